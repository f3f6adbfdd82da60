"""A passphrase to offer whoever chooses a password: words picked with ``secrets``.

782 plain, concrete words (things, plants, animals, food, weather), written for this
service: nothing about people, bodies, beliefs or harm, and none of the service's own
names or places. Six of them give about 57 bits, beyond any offline guessing of an
Argon2id-protected key.
"""
from __future__ import annotations

import secrets

WORDS: tuple[str, ...] = tuple("""
abacus acorn acrobat alcove alder almond alpine amber anchor anvil apple apricot april apron
aquarium arcade arch arctic armchair aroma arrow artist ash aspen atlas atrium attic autumn avenue
avocado awning backpack bacon badge bagel bagpipe bake baker balcony ballad ballet balloon bamboo
banana banister banjo barley barn barrel basil basket bauble beach beacon bean beanbag beaver
bedroom bedspread beech beeswax beetle bell bench berry bicycle birch biscuit blackbird blanket
blossom bluebell blueberry boat bobbin bonnet book bookcase boot bottle boulder bowl bracelet
bramble branch brass bread breeze breezy brick bridge bridle bright broccoli brooch brook broom
bubble bucket buckle budget build bungalow bunny burrow butter button buzzard cabbage cabin cable
cactus cake calm camel camera camomile canal candle candy canoe canopy canvas canyon captain caramel
carbon cardigan cargo carousel carpet carrot carry cartwheel cashew casserole castle catkin cattle
cauldron cedar celery cellar cello cement chaffinch chalice chalk channel chapel cheerful cheese
cherry chess chestnut chimney chisel chorus chutney cinema cinnamon circle circus citrus clarinet
clay clematis clever cliff climb clipboard clock cloud clover coast cobalt cobweb cockle cocoa
coconut coffee comb comet compass concert cook copper coral cornfield cosy cottage cotton country
cousin cranberry crayon cricket crisp crocus crumpet crystal cuckoo cucumber cupboard cupcake curly
curtain cushion custard cycle cypress daffodil dairy daisy damson dance dancer dandelion dawn delta
denim desert diamond diary dinner dolphin donkey doormat doorway dormouse doughnut dragon dragonfly
draw drawer drift driftwood drum duck dumpling dune dusty eagle early easel echo eiderdown elbow
elder elderflower elephant elm ember emerald engine envelope equator espresso evening fabric
fairground falcon feather fence fern ferry fiddle field fieldfare fig finch firefly fjord flagstone
flame flannel flapjack flask fleece flint float flower fluffy flute fog fold folder footpath forest
fossil fountain fox foxglove freckle fresh frost frosty fruitcake fudge galaxy garden garlic garnet
gather gazelle gecko gentle geyser ginger gingham giraffe glacier glass glide glider glossy glove
goat golden goldfish gondola goose gooseberry gorilla gramophone granite grape grass grassy gravel
greenhouse guitar gull gumboot hailstone hammer hammock hamster happy harbour harp harvest hawk
hayloft hazel hazelnut hazy heather hedge hedgehog helmet hen herb heron hiker hill hillside hippo
honey hoof hopscotch horizon hornet horse hotel houseboat hum humble hummus iceberg igloo inkwell
island ivory ivy jacket jade jaguar jam jasmine jelly jersey jetty jigsaw jolly journey juggler
jukebox jump juniper kayak kestrel kettle keyboard kind kingfisher kitchen kite kitten kiwi knit
koala ladder ladle ladybird lagoon lake lamppost landing lantern larch larder lark lattice laugh
lava lavender lawn leaf lemon lemonade lentil leopard letter lettuce library lighthouse lilac lily
lime limpet linen lion lively lobster locket lodge lollipop loom lotus lucky lunch lynx macaroon
mackerel magnet magpie mandolin mango mantel maple marble marigold market marmalade marsh marzipan
meadow melon mend meringue merry meteor millpond minnow mint mirror misty mitten molar monsoon moon
moorhen moose morning mosaic moss mossy moth mountain muesli muffin mushroom music mustard napkin
narrow nectar needle nest nettle nightjar nimble noble noodle north nutmeg oak oasis oat oatcake
oboe ocean octopus olive omelette onion opal orange orbit orchard orchestra orchid ostrich otter owl
oyster paddle paddock pagoda paint palace palm pancake panda pantry paper paperclip parasol parcel
parrot parsley pasta pastry patchwork pavilion pea peach peacock peanut pear pebble pelican pencil
penguin pepper pepperpot periwinkle pheasant piano pickle picnic pigeon pillow pine pineapple
pinecone planet plant plover plum pocket poem polar pond poppy porch porridge potato pottery prairie
pretzel primrose pudding puffin pumpkin puppy puzzle quail quartz quiet quill quilt rabbit radish
rainbow raisin rapid raspberry raven read reef rhubarb ribbon rice ride ridge river riverbank robin
rocket rockpool rooftop rose rosemary rosy row rowan rowboat ruby rug rustic saddle saffron sail
salad salmon sandal sandcastle sandy sapphire sardine satchel saucer scarf school scone scooter
seagull seashell season seed shelf shell shiny shore shortbread shovel silky silver sing skate
sketch ski skipper skittle skylark sled sleepy slipper smooth snail snow snowdrop snowflake snowy
sofa songbird spaniel sparrow spider spinach spinning sponge spoon spruce squirrel stable star
starfish station stepping stone stool storm straw strawberry stream sugar summer sundial sunflower
sunny sunrise swallow swan sweater swift swim syrup table tablet tadpole tambourine tangerine teacup
teapot teaspoon temple tennis thimble thistle thrush thunder tidy tiger timber tiny toast toboggan
toffee tomato topiary torch tortoise towel tower tractor trail train travel treehouse trellis
trolley trowel trumpet tugboat tulip tundra turnip turtle twig umbrella unicycle valley vanilla
velvet viaduct violet violin volcano voyage waffle wagon wagtail walnut walrus wand wander wardrobe
warm water watercress waterfall wave weasel whale wheat wheelbarrow whisk whistle willow windmill
window windy winter wise wizard wolf wombat woodpecker wool woolly wren write yacht yarrow yogurt
zebra zephyr zesty zinc
""".split())
PASSPHRASE_WORDS = 6


def suggest_passphrase(count: int = PASSPHRASE_WORDS) -> str:
    """``count`` words chosen uniformly at random, separated by spaces (easy to type on a phone)."""
    return " ".join(secrets.choice(WORDS) for _ in range(count))
