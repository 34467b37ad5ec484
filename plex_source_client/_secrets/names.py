"""What names a secret: the field names that hold one (``plex_token``, ``apiKey``...), in
English and in authentik's other languages. What a JSON value's members hold, given those
names, is :mod:`.members`'.
"""

from __future__ import annotations

import re
from typing import Final

from . import locate
from .reading import as_read

#: The words for a token, a password and a secret in authentik's languages, as a localized
#: message names the secret (``Plex-\u0442\u043e\u043a\u0435\u043d: T``, ``jeton Plex : T``,
#: ``Plex \u4ee4\u724c\uff1aT``): stems, so that their inflections match too (Russian
#: ``\u0442\u043e\u043a\u0435\u043d\u0430``, Polish ``has\u0142a``). Only words that name a
#: secret and nothing else: German, Italian, Spanish, Polish, Dutch, Czech and Portuguese say
#: ``Token`` and Italian ``password`` (matched above); Spanish ``secreto`` holds ``secret``.
#: Left out as ordinary words of a message: the words for a key (``Schl\u00fcssel``,
#: ``cl\u00e9``, ``clave``, ``chiave``, ``klucz``, ``\u043a\u043b\u044e\u0447``), German
#: ``Geheimnis`` and Dutch ``geheim`` (secrecy, hidden), Turkish ``parola`` (Italian for
#: "word") and ``gizli`` (hidden), Finnish ``tunnus`` (an identifier), Korean ``\uc554\ud638``
#: (a cipher). French ``passe`` only after ``mot de`` (``mot de passe``).
_LOCALIZED_NAME_PARTS: Final = (
    # Grouped by first letter, so that a place not starting one is tried once per letter.
    # token: fr, ru, tr, zh-Hans, zh-Hant, ja, ko
    "jeton|\u0442\u043e\u043a\u0435\u043d|belirte[c\u00e7]|\u4ee4\u724c|\u6b0a\u6756"
    "|\u30c8\u30fc\u30af\u30f3|\ud1a0\ud070"
    # password: de, fr, es, pt, pl, cs, nl, ru, tr, fi (and secret: pt, fi, it, pl, fr),
    # zh-Hans, zh-Hant (and a secret key), ja, ko
    "|p(?:asswort|(?<=mot de p)asse)|kennwort|contrase[n\u00f1]a"
    "|s(?:enha|ala(?:sana|isuu)|eg(?:ret|redo)|ekret|ecr\u00e8te)"
    "|h(?:a(?:s\u0142|\u015bl)|e(?:sl|sel))|wachtwoord|\u043f\u0430\u0440\u043e\u043b"
    "|\u015fifre|\u5bc6[\u7801\u78bc\u94a5\u9470]|\u30d1\u30b9\u30ef\u30fc\u30c9"
    "|\ube44\ubc00"
    # secret: ru, ja, ko; a secret key: zh-Hant
    "|\u0441\u0435\u043a\u0440\u0435\u0442|\u30b7\u30fc\u30af\u30ec\u30c3\u30c8"
    "|\u79d8\u5bc6|\uc2dc\ud06c\ub9bf|\u91d1\u9470"
    # token: he, el, fa, hi, th, vi (as Plex's and proxies' localized messages name it)
    "|\u05d0\u05e1\u05d9\u05de\u05d5\u05df"
    "|\u03b4\u03b9\u03b1\u03ba\u03c1\u03b9\u03c4\u03b9\u03ba"
    "|\u062a\u0648\u06a9\u0646|\u091f\u094b\u0915\u0928"
    "|\u0e42\u0e17\u0e40\u0e04\u0e47\u0e19|m\u00e3 th\u00f4ng b\u00e1o"
    # token, a code: ar (``\u0631\u0645\u0632 Plex \u0627\u0644\u0645\u0645\u064a\u0632``)
    "|\u0631\u0645\u0632"
)
#: Parts of field names that hold a secret, in authentik's responses and in our requests,
#: however a server spells the name: ``plex_token``, ``X-Plex-Token``, ``apiKey``,
#: ``private-key``, ``APIKEY``, ``passwd``, ``passphrase``, ``credentials``, ``key`` or
#: ``keys`` as a word of its own (``signing_key``, ``accessKeys``, ``KEY``, ``key2``; not
#: ``monkey``, ``keyboard``, nor the letters inside an id: ``5kEy8CqYsoL8``, a Plex server's)
#: or joined to what kind of key it is (``accesskey``, ``signingkey``) (a
#: regular expression, matched ignoring case); and the words for a token, a password and a
#: secret in the languages authentik is translated to (:data:`_LOCALIZED_NAME_PARTS`).
_SECRET_NAME_PARTS: Final = (
    r"token|secret|passw(?:or)?d|passphrase|credential"
    r"|(?:private|api|access|signing|encryption|auth|master|session|license|ssh)[_-]?keys?"
    r"|(?<![a-z0-9])keys?(?![a-z])|(?-i:(?<=[a-z])Keys?(?![a-z]))"
    r"|" + _LOCALIZED_NAME_PARTS
)
_SECRET_NAME: Final = re.compile(_SECRET_NAME_PARTS, re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """Whether a field called ``name`` holds a secret (``plex_token``, ``client_secret``,
    ``apiKey``, ``x-api-key``, ...).
    """
    name = as_read(name)  # ``\uff50\uff4c\uff45\uff58_token`` (fullwidth) too
    return locate.holds(locate.NAME_STEMS, name) and _SECRET_NAME.search(name) is not None
