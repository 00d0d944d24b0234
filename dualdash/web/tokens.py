"""Personal API tokens: made, shown once to their owner, stored as a hash, named by a public prefix.

The JSON API signs its requests in with them (:mod:`dualdash.api`); the profile page and
``dualdash create-token`` issue them."""
import hashlib
import secrets

from dualdash.db import write_transaction
from dualdash.shared.access import Need, Rule, define_rules
from dualdash.web.models import ApiToken

TOKEN_PREFIX = "dd_"


def new_token():
    """A fresh token (shown to its owner once) and the hash that is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    """Tokens are long and random, so a plain SHA-256 is enough (no salt or slow hash needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(person, name):
    """Create a token for ``person``: ``(ApiToken row, token)``. Show the token once; only its hash
    is kept.

    The token starts with its row's id (``dd_42_…``) so that lists can name it by a prefix the
    owner recognizes without anything secret being stored."""
    with write_transaction():
        row = ApiToken.create(person=person, name=name, token_hash=new_token()[1])
        token = f"{TOKEN_PREFIX}{row.id}_{secrets.token_urlsafe(32)}"
        row.token_hash = hash_token(token)
        row.save(only=[ApiToken.token_hash])
    return row, token


def token_label(row):
    """The public start of a token made by :func:`issue_token`, e.g. ``dd_42_…``."""
    return f"{TOKEN_PREFIX}{row.id}_…"


def _own_token(value, viewer, loaded):
    """Tokens are personal: someone else's is not found (404), not even said to exist."""
    return ApiToken.get_or_none((ApiToken.id == value) & (ApiToken.person == viewer.id))


#: The access rule of the token pages.
RULES = define_rules({
    "own_token": Rule(
        "signed_in", "the owner of the API token (`token_id`) alone (anyone else: not found)",
        needs=(Need("api_token", "token_id", _own_token, missing="You have no such API token."),)),
}, __name__)
