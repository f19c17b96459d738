"""Heuristics for secrets written as plain configuration (container or Lambda environment).

Two independent signals, either one is enough:

- the variable *name* says it holds a credential (``OPENAI_API_KEY``, ``DB_PASSWORD``), unless
  its last word marks it as a reference or a number (``..._ARN``, ``..._URL``, ``MAX_TOKENS``);
- the *value* looks like one: a known key format, a private key, a JWT, a long high-entropy
  token, or the offline inventory's secret placeholder (a Pulumi secret flowed into plain text).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Optional

from .values import SECRET_PLACEHOLDER

SENSITIVE_WORDS = frozenset({
    "KEY", "APIKEY", "SECRET", "SECRETS", "TOKEN", "PASSWORD", "PASSWD", "PWD", "PASSPHRASE",
    "CREDENTIAL", "CREDENTIALS", "PRIVATE",
})
# A name ending in one of these refers to a secret or is a setting, not the secret itself.
REFERENCE_SUFFIXES = frozenset({
    "ARN", "ID", "NAME", "PATH", "FILE", "URL", "URI", "ENDPOINT", "HEADER", "REGION", "TTL",
    "LIMIT", "COUNT", "SECONDS", "MINUTES", "HOURS", "DAYS", "PREFIX", "TYPE", "FORMAT", "VERSION",
})

KEY_FORMATS = [
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),                 # AWS access key id
    re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"),                       # OpenAI / Anthropic (sk-ant-)
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),                     # Google API key
    re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),  # GitHub
    re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),                # Slack
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),            # PEM private key
    re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+"),  # JWT
]
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9+/=_-]{32,}$")


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.upper()) if w]


def name_looks_secret(name: str, allowed: Iterable[str] = ()) -> bool:
    """Whether an environment variable name announces a credential."""
    if name in set(allowed):
        return False
    words = _words(name)
    if not words or words[-1] in REFERENCE_SUFFIXES:
        return False
    return any(w in SENSITIVE_WORDS for w in words) or "APIKEY" in "".join(words)


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def value_looks_secret(value: Optional[str]) -> bool:
    """Whether a value looks like a key, token or password rather than configuration."""
    if not value:
        return False
    if value == SECRET_PLACEHOLDER:
        return True
    if any(p.search(value) for p in KEY_FORMATS):
        return True
    # Long single-token strings mixing cases and digits with high entropy: API keys, AWS secret
    # keys. Digests (lowercase hex), UUIDs, ARNs, URLs and paths fall outside this shape.
    return bool(
        _TOKEN_CHARS.match(value)
        and re.search(r"[a-z]", value) and re.search(r"[A-Z]", value) and re.search(r"[0-9]", value)
        and _entropy(value) >= 4.0
    )
