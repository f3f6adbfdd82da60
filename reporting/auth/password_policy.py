"""What makes a staff password guessable: the judgement behind ``services.check_password_policy``.

Whoever holds a copy of the database knows whose it is, so the first guesses are the
service's and the Partnership's own names and places, in any case, spacing and
leetspeak, with a year or a number: "Shropshire Hate Crime 2026", "reporthate2026",
"R3port-H4te!". Those are refused for everyone. A key holder's password (with the
database) opens reports, so it must also be very strong by zxcvbn's estimate,
judged as typed, squashed and de-leeted, with every name and place as known words.
Pure functions: the caller passes the service name and the places.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 12
# zxcvbn's estimate of guesses, as a power of ten (its score 3, the old bar, starts at 8
# and score 4 at 10). A key holder needs 10^14 (about 47 bits) as typed, beyond an offline
# attack on Argon2id at 128 MiB a guess with many machines for years, and 10^12 read
# squashed or de-leeted (zxcvbn undervalues words run together, so the bar is lower there).
MIN_KEY_HOLDER_GUESSES_LOG10 = 14.0
MIN_KEY_HOLDER_SQUASHED_LOG10 = 12.0
# A password whose letters are nearly all the service's words is built on them.
MIN_OWN_LETTERS = 8
_ZXCVBN_MAX = 100  # zxcvbn's time grows fast with length; the rest adds only strength

# The Partnership's and the service's own words (from the strategy that founded it: the
# Shropshire Community Safety Partnership, its Hate Crime Reporting Group, West Mercia
# Police, the neighbouring Telford and Wrekin). The service name (settings) and every
# area (the database) are added by the caller.
PARTNERSHIP_WORDS: tuple[str, ...] = (
    "shropshire", "salop", "shrops", "telford", "wrekin", "westmercia", "mercia", "west", "community",
    "communities", "safety", "safer", "stronger", "partnership", "partnerships", "csp", "hate", "hates", "crime",
    "crimes", "report", "reports", "reporting", "reporter", "incident", "incidents", "thirdparty", "third",
    "party", "group", "reviewer", "review", "police", "policing", "council", "centre", "center", "victim",
    "victims", "support", "service", "services", "stophate", "password", "passw", "admin", "staff", "secure",
    "security", "login", "welcome", "letmein", "qwerty", "england", "uk",
)
# Short words that join the names up ("Report Hate in Shropshire", "my Shropshire").
_JOINING = ("the", "and", "of", "in", "for", "my", "our", "to", "on", "at", "we", "us", "is", "it", "no")
# Words of place names too plain to count as the place on their own.
_PLAIN = {"rural", "north", "south", "east", "central", "elsewhere", "outside", "online", "market", "church",
          "castle", "arms", "much", "and", "in", "the"}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
                       "@": "a", "$": "s", "!": "i", "|": "i", "+": "t", "€": "e", "£": "l"})
_LEET_L = str.maketrans({"1": "l", "!": "l", "|": "l"})


class PolicyRefusal(Exception):
    """Why a password is refused: ``reason`` is one of the constants below."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


TOO_SHORT = "too short"
GUESSABLE = "too easy to guess"
SERVICE_NAMES = "built on the service's names or places"
TOO_WEAK_FOR_KEYS = "not strong enough for a key holder"


@dataclass(frozen=True)
class Context:
    """The words an attacker of this install would try first, made once per check."""

    tokens: tuple[str, ...]  # letters only, longest first

    @classmethod
    def of(cls, service_name: str, places: Iterable[str]) -> Context:
        words = set(PARTNERSHIP_WORDS) | set(_JOINING)
        for name in (service_name, *places):
            squashed = _letters(name)
            if len(squashed) >= 3:
                words.add(squashed)
            for part in re.findall(r"[a-z]+", _fold(name)):
                if len(part) >= 4 and part not in _PLAIN:
                    words.add(part)
                    words.add(part.removesuffix("s"))
        return cls(tuple(sorted((w for w in words if len(w) >= 2), key=lambda w: (-len(w), w))))

    def zxcvbn_inputs(self, email: str) -> list[str]:
        local = email.split("@")[0]
        return [email, local, _letters(local), *self.tokens]


def _fold(text: str) -> str:
    """Lower case, accents off (NFKD), compatibility forms folded: "Ｓｈｒｅｗｓｂｕｒｙ" is Shrewsbury."""
    decomposed = unicodedata.normalize("NFKD", text).lower()
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", _fold(text))


def readings(password: str) -> tuple[str, ...]:
    """The ways an attacker reads a password: as typed, then squashed (letters and digits), and
    squashed with leetspeak undone (a "1" read as i, then as l)."""
    folded = _fold(password)
    squashed = re.sub(r"[^a-z0-9]", "", folded)
    deleet = re.sub(r"[^a-z0-9]", "", folded.translate(_LEET))
    deleet_l = re.sub(r"[^a-z0-9]", "", folded.translate(_LEET_L).translate(_LEET))
    return tuple(dict.fromkeys((password, squashed, deleet, deleet_l)))


def own_letters(letters: str, tokens: tuple[str, ...]) -> tuple[int, int]:
    """(letters not covered by the service's words, letters covered), covering as much as possible."""
    n = len(letters)
    best = [0] + [n + 1] * n  # fewest uncovered letters in letters[:i]
    for i in range(n):
        if best[i] > n:
            continue
        if best[i] + 1 < best[i + 1]:
            best[i + 1] = best[i] + 1
        for token in tokens:
            if letters.startswith(token, i) and best[i] < best[i + len(token)]:
                best[i + len(token)] = best[i]
    return best[n], n - best[n]


def judge(password: str, email: str, *, key_holder: bool, context: Context) -> None:
    """Raise PolicyRefusal if the password is too short, guessable or built on the service's names."""
    if len(password) < MIN_LENGTH:
        raise PolicyRefusal(TOO_SHORT)
    folded, local = _fold(password), _fold(email.split("@")[0])
    if folded in (_fold(email), local) or len(set(password)) < 5:
        raise PolicyRefusal(GUESSABLE)
    for reading in readings(password):
        letters = re.sub(r"[^a-z]", "", reading)
        own, covered = own_letters(letters, context.tokens)
        if covered >= 4 and own < MIN_OWN_LETTERS:
            raise PolicyRefusal(SERVICE_NAMES)
    if not key_holder:
        return
    inputs = context.zxcvbn_inputs(_fold(email))
    for index, reading in enumerate(readings(password)):
        needed = MIN_KEY_HOLDER_GUESSES_LOG10 if index == 0 else MIN_KEY_HOLDER_SQUASHED_LOG10
        if not reading or zxcvbn(reading[:_ZXCVBN_MAX], user_inputs=inputs)["guesses_log10"] < needed:
            raise PolicyRefusal(TOO_WEAK_FOR_KEYS)
