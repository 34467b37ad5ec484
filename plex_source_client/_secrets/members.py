"""What a JSON value's members hold, by the names of secrets (:mod:`.names`): the values it
stores under secret-named keys or beside a member naming a secret (:func:`stored_secrets`,
:func:`member_kinds`: an error's item naming its field in one member and giving the value
in another), a flat list's value after a secret's name, and DRF's validation messages (no
stored value).
"""

from __future__ import annotations

import re
from typing import Any, Final

from .names import is_secret_name
from .tables import mask_json_tables
from .words import WORD, mask_words, token_like, written_like_a_token

#: The fewest characters a number stored under a secret-named key has to be a secret.
_MIN_NUMBER: Final = 6
#: The fewest characters a value paired with a secret's name in a list has to be a secret.
_MIN_PAIRED: Final = 8


def stored_secrets(value: Any, *, error: bool = False) -> tuple[str, ...]:
    """The strings a JSON value stores under secret-named keys (``plex_token``, at any depth;
    every string inside such a key's list or object too), or beside a member that names a
    secret (see :func:`secret_members`), stripped forms included, and a key written like a
    token whose value names a secret (``{"T": "invalid plex_token"}``): an answer that masks them
    may repeat them in another field (a name, a message), so whatever shows that JSON masks
    them there too (see :func:`redact`). Walks the value once: called where it is masked or
    shown (an error, a repr), never on a successful call's path. ``error``: the value is an
    error's body (see :func:`member_kinds`).
    """
    found: dict[str, None] = {}
    mask_json_tables(value, found)  # a table's secret column (see .tables)
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, under_secret = stack.pop()
        if isinstance(item, str):
            if under_secret:
                found.update(dict.fromkeys(x for x in (item, item.strip()) if x))
        elif isinstance(item, int | float) and not isinstance(item, bool):
            # A number stored as a secret (a numeric key, a PIN) is masked where it is
            # repeated too, from 6 digits on: a smaller one (a count, a flag) is no secret.
            if under_secret and len(text := str(item)) >= _MIN_NUMBER:
                found[text] = None
        elif isinstance(item, dict):
            hidden, saying = member_kinds(item, error=error)
            for key in saying:
                _said_words(item[key], found)
            for key, child in item.items():  # {"T": "invalid plex_token"}: keyed by the value
                if (
                    isinstance(key, str)
                    and isinstance(child, str)
                    and WORD.fullmatch(key) is not None
                    and written_like_a_token(key)
                    and is_secret_name(child)
                ):
                    found[key] = None
            stack.extend((child, under_secret or key in hidden) for key, child in item.items())
        elif isinstance(item, list | tuple):
            # An error body's messages about a secret field (``This field may not be
            # blank.``) are no stored value.
            stack.extend((child, under_secret) for child in item if not is_message(child))
            stack.extend((item[at], True) for at in listed_values(item))
    return tuple(found)


def listed_values(items: list[Any] | tuple[Any, ...]) -> list[int]:
    """The places in a list of the values written after a secret's name: ``["x-plex-token",
    T]``, Node's ``rawHeaders`` ``[..., "X-Plex-Token", T]``, a Redis reply, a logger's
    keys and values, a command line's ``["--plex-token", T]``. Only a value written like a
    token, 8 characters or more: in a list of names (``["plex_token", "slug"]``, a schema's
    ``required``) the next name is no secret.
    """
    return [
        at + 1
        for at in range(len(items) - 1)
        if isinstance(items[at], str)
        and len(items[at]) <= _MAX_NAMED
        and _paired_value(items[at + 1])
        and is_secret_name(items[at])
    ]


def _paired_value(value: Any) -> bool:
    """Whether a list's item after a secret's name is its value: a string (or one in a list
    of one, ``[T]``) 8 characters or more that is token-like (see :func:`.words.token_like`).
    """
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return isinstance(value, str) and len(value) >= _MIN_PAIRED and token_like(value)


def _said_words(value: Any, found: dict[str, None]) -> None:
    """The token-like words of the strings in ``value`` (a saying member's: see
    :func:`member_kinds`), added to ``found``.
    """
    if isinstance(value, str):
        mask_words(value, found)
    elif isinstance(value, list):
        for item in value:
            _said_words(item, found)


def _folded(name: str) -> str:
    """A member's name as compared with the sets below: ``fieldName``, ``field_name`` and
    ``FIELD-NAME`` are one.
    """
    return name.lower().replace("_", "").replace("-", "")


def _folded_set(names: str) -> frozenset[str]:
    """The space-separated ``names``, folded (see :func:`_folded`)."""
    return frozenset(_folded(name) for name in names.split())


#: Members that name the field, header, parameter or variable their object is about, as
#: error bodies and listings write them: pydantic/FastAPI's ``loc``, ``field``, ``param``,
#: JSON:API's ``pointer`` and ``parameter``, Joi's and Zod's ``path``, Ajv's
#: ``instancePath``, Symfony's ``propertyPath``, Google's ``field`` (folded: see
#: :func:`_folded`).
_NAMING: Final = _folded_set(
    "field field_name param param_name parameter parameter_name loc location attr"
    " attribute attribute_name path field_path instance_path data_path property_path"
    " json_path pointer header header_name variable var property property_name prop"
    " setting option argument arg column target change changed_field"
)
#: Members that name what their object holds only beside a ``value`` (HAR's and Kubernetes'
#: ``{"name": "X-Plex-Token", "value": T}``, ``key``/``value`` lists, Joi's ``label``): a
#: resource's ``name`` is its display name (a source called ``plex-token-login``), which
#: names none of its fields.
_PAIR_NAMING: Final = frozenset(("name", "key", "label"))
#: Members that say what was wrong, not what was given: shown (masked as any text is) beside
#: a member naming a secret, since they are what the reader needs (pydantic's ``msg``,
#: ``type`` and ``url``, a link to the error's documentation; DRF's ``detail`` and ``code``).
_SAYING: Final = _folded_set(
    "msg message messages detail details type code error errors error_code"
    " description title reason hint status status_code kind severity level url"
    " doc_url documentation_url help"
)
#: Of those, the ones only an error has (a resource may well have a ``description``, a
#: ``status``, a ``type`` or a ``title``): an object holding one, or one of the others beside
#: a member naming a field (:data:`_NAMING`), is an error's item.
_ERROR_SAYING: Final = _folded_set(
    "msg message messages detail details error errors error_code reason"
)
#: Of those, the ones written as sentences, where a server may quote what it got; not a
#: code, a type, a status or a link (``string_too_long``, ``https://errors.pydantic.dev/...``).
_TELLING: Final = _folded_set(
    "msg message messages detail details description title reason hint help error errors"
)
#: The longest name a naming member holds (a header's, a field's path).
_MAX_NAMED: Final = 200
#: Where a path names its last field: ``/data/attributes/plex_token`` (a JSON pointer),
#: ``source.plex_token``, ``source[plex_token]``.
_PATH_SEPARATORS: Final = re.compile(r"[/.\[\]]")


def _named_field(value: Any) -> str | None:
    """The field a naming member's ``value`` names: a name (``X-Plex-Token``, ``PLEX_TOKEN``,
    a label: ``API Token``), a path's last step (``/data/attributes/plex_token``; one ending
    in ``/`` is a URL's folder, no field), or a list's last string (pydantic's ``["body",
    "plex_token", 0]``). None for anything else (a number, an object).
    """
    if isinstance(value, list) and all(
        isinstance(step, str | int) and not isinstance(step, bool) for step in value
    ):
        value = next((step for step in reversed(value) if isinstance(step, str)), None)
    if not isinstance(value, str) or not value or len(value) > _MAX_NAMED:
        return None
    steps = _PATH_SEPARATORS.split(value.rstrip("]"))
    return next((step for step in reversed(steps) if not step.isdigit()), None) or None


#: Members holding the value an error was about, beside what names its field (folded):
#: ``value``, ``values``, ``val``, pydantic's ``input``, ``given``, ``got``, ``received``,
#: Spring's ``rejectedValue``...
_GIVEN: Final = _folded_set(
    "input val given got received actual provided supplied rejected rejected_value"
    " invalid_value bad_value old new before after from to previous current old_value"
    " new_value previous_value"
)


def _gives_a_value(name: str) -> bool:
    """Whether a member (its folded name) holds the value an error was about (``value``,
    ``values``, ``resolvedValue``, ``input``...).
    """
    return _gives_the_value(name) or name.endswith("value")


def _gives_the_value(name: str) -> bool:
    """Whether a member (its folded name) is named as an error's value is (``value``,
    ``input``, ``got``...), not only ends so (``default_value``: a resource may have one).
    """
    return name.startswith("value") or name in _GIVEN


def _direct_naming(folded: dict[Any, str]) -> list[Any]:
    """The keys (``folded``: by their folded names) of the members naming a field:
    :data:`_NAMING`, and :data:`_PAIR_NAMING` beside a ``value`` or a member saying what was
    wrong (RFC 9457's ``{"name": ..., "reason": ...}``) in a small object (:data:`_SMALL`).
    """
    paired = len(folded) <= _SMALL and any(
        _gives_the_value(name) or name in _ERROR_SAYING for name in folded.values()
    )  # a resource's ``name`` (a source called "Plex token login") names no field
    return [
        key for key, name in folded.items() if name in _NAMING or (paired and name in _PAIR_NAMING)
    ]


def _folded_keys(item: dict[Any, Any]) -> dict[Any, str]:
    """``item``'s string keys and their folded names (see :func:`_folded`)."""
    return {key: _folded(key) for key in item if isinstance(key, str)}


#: The steps pydantic adds to a ``loc`` after a field's name for its type (``str`` of a union,
#: ``constrained-str``, ``function-after[...]``, v1's ``__root__``): no field of their own.
_TYPE_TAG: Final = re.compile(
    r"__root__|str|int|float|bool|bytes|decimal|date|datetime|time|uuid|url|none|any"
    r"|(?:constrained|function|json-or-python|tagged-union|union|lax-or-strict|nullable"
    r"|default|chain|literal|is-instance)\b.{0,200}"
)


def _names_secret_field(item: dict[Any, Any], key: Any) -> bool:
    """Whether the naming member ``key`` of ``item`` names a secret field: its field, or a
    step of a path list followed only by type tags (:data:`_TYPE_TAG`: pydantic's ``["body",
    "plex_token", "constrained-str"]``).
    """
    value = item[key]
    if isinstance(value, list):
        for at, step in enumerate(value):
            if isinstance(step, str) and len(step) <= _MAX_NAMED and is_secret_name(step):
                rest = value[at + 1 :]
                if rest and all(isinstance(t, str) and _TYPE_TAG.fullmatch(t) for t in rest):
                    return True
    return (field := _named_field(value)) is not None and is_secret_name(field)


def _names_a_secret(item: dict[Any, Any]) -> bool:
    """Whether a naming member of ``item`` names a secret field (JSON:API's ``"source":
    {"pointer": ".../plex_token"}``, one level under the object it is about).
    """
    return any(_names_secret_field(item, key) for key in _direct_naming(_folded_keys(item)))


def member_kinds(
    item: dict[Any, Any], *, error: bool = False
) -> tuple[frozenset[Any], frozenset[Any]]:
    """The keys of a JSON object whose values hold a secret, and those whose sentences may
    quote one (found together: a masking walk asks for both of each object). ``error``: the
    object is (in) an error's body, where a member naming a secret field in its text hides
    its siblings too (see :func:`_beside_a_told_name`).

    - Holding a secret: secret-named ones (``plex_token``) and a ``value``/``val``/``input``
      beside one (``{"plex_token": "invalid", "value": T}``); and, when a naming member
      (:data:`_NAMING`, :data:`_PAIR_NAMING`, or an object holding one) names a secret
      (``{"name": "X-Plex-Token", "value": T}``, pydantic's ``{"loc": ["body",
      "plex_token"], "input": T, "msg": ...}``), every other member but those saying what
      was wrong (:data:`_SAYING`). The naming members are then shown, even one called
      ``key``: it holds a name, not a key.
    - Saying what was wrong in a sentence (:data:`_TELLING`: ``detail``, ``message``,
      ``reason``) beside a member naming a secret: shown, as a reader needs them, but a server
      may write the value it got there (drf-standardized-errors' ``{"attr": "plex_token",
      "detail": T}``, Joi's ``{"path": ["plex_token"], "message": "'T' is not valid"}``):
      their token-like words (see :mod:`.words`) are masked.
    """
    folded = _folded_keys(item)
    # Only an error's item names a field to say what was wrong with it: one beside a member
    # saying so, or giving the value it got. A resource's member naming a field (a newer
    # server's ``"plex_token_state": {"field": "plex_token", "set": true}`` beside a
    # source's fields) hides nothing but itself.
    names = set(folded.values())
    naming_objects = [
        key for key in folded if isinstance(item[key], dict) and _names_a_secret(item[key])
    ]
    errorish = (
        any(_gives_the_value(name) for name in names)
        or bool(names & _ERROR_SAYING or (names & _NAMING and names & _SAYING))
        # JSON:API's ``{"title": ..., "source": {"pointer": ".../plex_token"}, "meta": ...}``
        or bool(naming_objects and names & _SAYING and len(item) <= _SMALL)
        # A small object naming a secret field (Ajv's ``{"instancePath": "/plex_token",
        # "data": T, ...}``, jsonschema's ``{"path": [...], "instance": T}``): an error's item.
        or (
            len(item) <= _SMALL
            and any(
                name in _NAMING and _names_secret_field(item, key) for key, name in folded.items()
            )
        )
    )
    direct = _direct_naming(folded) if errorish else []
    nested = [key for key in naming_objects if key not in direct] if errorish else []
    # ``{"ParameterKey": "PlexToken", "ParameterValue": T}``: the value hidden, the name shown.
    pair_values, pair_names = _named_values(item, folded)
    if not (nested or any(_names_secret_field(item, key) for key in direct)):
        hidden = [key for key in item if is_secret_name(str(key)) and key not in pair_names]
        told = _says_a_secret(item, folded)
        if hidden or pair_values or told:
            # ``{"plex_token": "invalid", "value": T}``, ``{"message": "invalid plex_token",
            # "value": T}``, ``{"OptionName": "PLEX_TOKEN", "Value": T}``: the value given;
            hidden += [key for key, name in folded.items() if _gives_a_value(name)]
        if told and errorish:
            # GraphQL's ``"extensions": {"code": ..., "value": T}`` one level down too.
            hidden += [key for key in folded if _gives_values_inside(item[key])]
        if len(item) <= _SMALL and _message_names_a_secret(item, folded):
            # ``{"message": "plex_token is invalid", "submitted": T}``: whatever the value's
            # member is called, every member but those saying what was wrong.
            hidden += [key for key, name in folded.items() if name not in _SAYING]
        if error:
            hidden += _beside_a_told_name(item, folded)
        return frozenset(hidden) | pair_values, frozenset()
    kept = {*direct, *nested, *(key for key, name in folded.items() if name in _SAYING)}
    saying = frozenset(key for key, name in folded.items() if name in _TELLING)
    return frozenset(key for key in item if key not in kept), saying


def _tells_a_secret_name(value: Any) -> bool:
    """Whether a member's value names a secret field: a text that does (a statement
    ``UPDATE ... SET plex_token=%s``, an event ``plex_token rejected``, a format
    ``plex_token={0}``, a message id ``invalid_plex_token``), or a list holding a field's
    name that does (``["plex_token", "client_id"]``; not a list of DRF's sentences).
    """
    if isinstance(value, str):
        return is_secret_name(value)
    return isinstance(value, list) and any(
        isinstance(item, str) and _FIELD_NAME.fullmatch(item) is not None and is_secret_name(item)
        for item in value
    )


def _beside_a_told_name(item: dict[Any, Any], folded: dict[Any, str]) -> list[Any]:
    """In an error's body: when a member of ``item`` names a secret field in its text (see
    :func:`_tells_a_secret_name`), the members beside it that may hold its value, whatever
    they are called (structlog's ``{"event": "plex_token rejected", "value": T}``, ``{"sql":
    "... plex_token=%s", "params": [T, 5]}``, ``{"fields": [...], "values": [...]}``,
    ``{"message_id": "invalid_plex_token", "params": [T]}``): every other member but those
    saying what was wrong (:data:`_SAYING`) and a ``true``, ``false`` or ``null`` (no secret).
    A member giving a value (``value``, ``input``) or named as a secret (its value may hold
    ``token``) never names the field here, nor does one naming a field by its path (``path``,
    ``pointer``, ``loc``: read by its last step, see :func:`member_kinds`: a URL's folder
    ``/api/v3/core/tokens/`` names none). Only in a small object (:data:`_SMALL`): a
    resource's name may name one (``Plex token login``).
    """
    if len(item) > _SMALL:  # a resource (a source called "Plex token login"), no error's item
        return []
    told = [
        key
        for key, name in folded.items()
        if not (_gives_a_value(name) or name in _NAMING or name in _PAIR_NAMING)
        and not is_secret_name(key)
        and _tells_a_secret_name(item[key])
    ]
    if not told:
        return []
    return [
        key
        for key, name in folded.items()
        if key not in told
        and name not in _SAYING
        and not (item[key] is None or isinstance(item[key], bool))
    ]


def _gives_values_inside(value: Any) -> bool:
    """Whether a member's value is an object holding the value an error was about."""
    return isinstance(value, dict) and any(
        isinstance(key, str) and _gives_a_value(_folded(key)) for key in value
    )


#: The most members of an object that names a field by a member's value alone (a setting
#: ``{"OptionName": ..., "Value": ...}``, an error's item: Ajv's and jsonschema's have 7): a
#: resource has more (a source, 20 and more, called ``plex-token-login`` names no field).
_SMALL: Final = 12
#: A member's value that is a field's name, not a sentence (``PLEX_TOKEN``, ``plex_token``).
_FIELD_NAME: Final = re.compile(r"[\w.$-]{1,64}")


def _message_names_a_secret(item: dict[Any, Any], folded: dict[Any, str]) -> bool:
    """Whether a member of ``item`` saying what was wrong only an error says (a message, an
    error, a detail: :data:`_ERROR_SAYING`, or a ``code``) names a secret field in its text.
    """
    return any(
        (name in _ERROR_SAYING or name in ("code", "errorcode"))
        and isinstance(item[key], str)
        and is_secret_name(item[key])
        for key, name in folded.items()
    )


def _says_a_secret(item: dict[Any, Any], folded: dict[Any, str]) -> bool:
    """Whether a member of ``item`` names a secret field: one saying what was wrong
    (:data:`_SAYING`: a message, a code) in its text, any other of a small object
    (:data:`_SMALL`) by a field's name alone (``{"OptionName": "PLEX_TOKEN", ...}``,
    ``{"identifier": "plex_token", ...}``).
    """
    small = len(item) <= _SMALL
    return any(
        isinstance(item[key], str)
        and (name in _SAYING or (small and _FIELD_NAME.fullmatch(item[key]) is not None))
        and is_secret_name(item[key])
        for key, name in folded.items()
    )


#: The ends of the names of members that hold a name and its value side by side
#: (CloudFormation's ``ParameterKey``/``ParameterValue``, ``propertyName``/``propertyValue``).
_NAMED_BY: Final = ("key", "name", "label")


def _named_values(
    item: dict[Any, Any], folded: dict[Any, str]
) -> tuple[frozenset[Any], frozenset[Any]]:
    """The ``X...Value`` members of ``item`` whose ``X...Key`` (``Name``, ``Label``) sibling
    names a secret (see :data:`_NAMED_BY`), and those naming members: shown, they hold a
    name, even one that reads as a secret's (``ParameterKey``). Two empty sets for none.
    """
    by_name: dict[str, list[Any]] = {}
    for key, name in folded.items():
        by_name.setdefault(name, []).append(key)
    pairs = [
        (key, naming)
        for key, name in folded.items()
        if name.endswith("value") and len(name) > len("value")
        for end in _NAMED_BY
        for naming in by_name.get(name[: -len("value")] + end, ())
        if isinstance(item[naming], str) and is_secret_name(item[naming])
    ]  # one look-up per name's possible naming sibling: linear in the members
    return frozenset(key for key, _ in pairs), frozenset(naming for _, naming in pairs)


def secret_members(item: dict[Any, Any]) -> frozenset[Any]:
    """The keys of a JSON object whose values hold a secret (see :func:`member_kinds`)."""
    return member_kinds(item)[0]


#: A validation message, as DRF writes them (``This field may not be blank.``): words of a
#: few letters, spaces, a full stop. Under a secret-named key of an error body such a
#: sentence is the reason, not the secret: a token is one long word.
_MESSAGE: Final = re.compile(r"[A-Z][a-z]{0,11}(?: [\w,'\"()-]{1,12}){2,30}\.")


def is_message(value: object) -> bool:
    """Whether ``value`` is a validation message (see :data:`_MESSAGE`), not a stored value."""
    return isinstance(value, str) and _MESSAGE.fullmatch(value) is not None
