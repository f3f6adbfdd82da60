"""Seed the extensible answer lists: areas, incident types, motivations and strands.

Areas come from the Partnership's list (market towns, rural areas, neighbours,
outside, online). Each motivation maps to one of the Home Office's five
monitored strands, or to "other"/"unknown", so counts stay comparable.
Administrators may add to these lists; this revision only sets the starting set.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ROWS = [
    ('area', 'albrighton', 'Albrighton', 'town', 10),
    ('area', 'bishops_castle', "Bishop's Castle", 'town', 20),
    ('area', 'bridgnorth', 'Bridgnorth', 'town', 30),
    ('area', 'broseley', 'Broseley', 'town', 40),
    ('area', 'church_stretton', 'Church Stretton', 'town', 50),
    ('area', 'cleobury_mortimer', 'Cleobury Mortimer', 'town', 60),
    ('area', 'clun', 'Clun', 'town', 70),
    ('area', 'craven_arms', 'Craven Arms', 'town', 80),
    ('area', 'ellesmere', 'Ellesmere', 'town', 90),
    ('area', 'highley', 'Highley', 'town', 100),
    ('area', 'ludlow', 'Ludlow', 'town', 110),
    ('area', 'market_drayton', 'Market Drayton', 'town', 120),
    ('area', 'much_wenlock', 'Much Wenlock', 'town', 130),
    ('area', 'oswestry', 'Oswestry', 'town', 140),
    ('area', 'shifnal', 'Shifnal', 'town', 150),
    ('area', 'shrewsbury', 'Shrewsbury', 'town', 160),
    ('area', 'wem', 'Wem', 'town', 170),
    ('area', 'whitchurch', 'Whitchurch', 'town', 180),
    ('area', 'rural_north_shropshire', 'Rural north Shropshire', 'rural', 190),
    ('area', 'rural_south_shropshire', 'Rural south Shropshire', 'rural', 200),
    ('area', 'rural_east_shropshire', 'Rural east Shropshire', 'rural', 210),
    ('area', 'rural_west_shropshire', 'Rural west Shropshire', 'rural', 220),
    ('area', 'rural_central_shropshire', 'Rural central Shropshire', 'rural', 230),
    ('area', 'telford_and_wrekin', 'Telford and Wrekin', 'neighbouring', 240),
    ('area', 'elsewhere_in_west_mercia', 'Elsewhere in West Mercia', 'neighbouring', 250),
    ('area', 'outside_west_mercia', 'Outside West Mercia', 'outside', 260),
    ('area', 'online', 'Online', 'online', 270),
    ('incident_type', 'verbal_abuse', 'Verbal abuse', None, 10),
    ('incident_type', 'threats', 'Threats', None, 20),
    ('incident_type', 'physical_assault', 'Physical assault', None, 30),
    ('incident_type', 'damage', 'Damage to property', None, 40),
    ('incident_type', 'graffiti', 'Graffiti', None, 50),
    ('incident_type', 'online_abuse', 'Online abuse', None, 60),
    ('incident_type', 'harassment', 'Harassment or stalking', None, 70),
    ('incident_type', 'theft', 'Theft', None, 80),
    ('incident_type', 'other', 'Something else', None, 90),
    ('motivation', 'race', 'Race, ethnicity or nationality', 'race', 10),
    ('motivation', 'gypsy_roma_traveller', 'Gypsy, Roma or Traveller heritage', 'race', 20),
    ('motivation', 'migrant', 'Being a migrant, asylum seeker or refugee', 'race', 30),
    ('motivation', 'religion', 'Religion or belief', 'religion', 40),
    ('motivation', 'sexual_orientation', 'Sexual orientation', 'sexual_orientation', 50),
    ('motivation', 'disability', 'Disability', 'disability', 60),
    ('motivation', 'transgender', 'Transgender identity', 'transgender', 70),
    ('motivation', 'sex_gender', 'Sex or gender', 'other', 80),
    ('motivation', 'age', 'Age', 'other', 90),
    ('motivation', 'subculture', 'Alternative subculture (for example goth, punk or emo)', 'other', 100),
    ('motivation', 'other', 'Something else', 'other', 110),
    ('motivation', 'not_sure', 'Not sure', 'unknown', 120),
    ('strand', 'disability', 'Disability', 'monitored', 10),
    ('strand', 'transgender', 'Gender identity (transgender)', 'monitored', 20),
    ('strand', 'race', 'Race, including ethnicity and nationality', 'monitored', 30),
    ('strand', 'religion', 'Religion or belief', 'monitored', 40),
    ('strand', 'sexual_orientation', 'Sexual orientation', 'monitored', 50),
    ('strand', 'other', 'Other, not a monitored strand', 'other', 60),
    ('strand', 'unknown', 'Not known', 'other', 70),
]


def upgrade():
    choices = sa.table(
        "choices",
        sa.column("list_name", sa.String),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("grouping", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        choices,
        [
            dict(list_name=list_name, code=code, label=label, grouping=grouping, position=position, active=True)
            for list_name, code, label, grouping, position in ROWS
        ],
    )


def downgrade():
    lists = sorted({row[0] for row in ROWS})
    choices = sa.table("choices", sa.column("list_name", sa.String))
    op.execute(choices.delete().where(choices.c.list_name.in_(lists)))
