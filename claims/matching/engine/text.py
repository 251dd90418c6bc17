"""Text clean-up and word lists for matching claims.

Tweets carry much that is not the claim: links, "RT @user:", handles, hashtags glued to
words, emojis and the "— Name (@handle) Month D, YYYY" line of an embedded tweet. The
author's name is kept (a claim is often "X said ..."); the rest goes.
"""

import re
import unicodedata

# Texts are cut here before anything else: a claim is a sentence or two, and a pasted
# article must not make a search slow. The encoder sees fewer tokens still.
MAX_CHARACTERS = 4000

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
_RETWEET = re.compile(r"^\s*RT\b\s*(?:@\w+:?)?\s*", re.IGNORECASE)
_EMBED_TRAILER = re.compile(r"\s*[—–-]\s*([^()\n]{0,80}?)\s*\(@\w+\)\s*\w+ \d{1,2}, \d{4}\s*$")
_MENTION = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")

STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have he her
    his how i if in into is it its just me my no not of on or our out she so than that the
    their them then there these they this to too us was we were what when where which who
    why will with would you your rt via amp""".split()
)


def clean(text: str) -> str:
    """Return the claim-bearing words of a tweet or claim, in their original case."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARACTERS])
    text = _EMBED_TRAILER.sub(lambda found: f" {found.group(1)}", text)
    text = _RETWEET.sub("", text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(lambda found: _split_joined(found.group(1)), text)
    text = _HASHTAG.sub(lambda found: f" {_split_joined(found.group(1))} ", text)
    text = _NOT_ASCII.sub(_unless_symbol, text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """Return the content words of cleaned text, lower-cased and lightly stemmed."""
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


def numbers(text: str) -> frozenset[str]:
    """Return the numbers a text mentions, without thousands separators."""
    return frozenset(found.replace(",", "") for found in _NUMBER.findall(text))


def _split_joined(tag: str) -> str:
    return _CAMEL.sub(" ", tag.replace("_", " "))


def _unless_symbol(found: re.Match[str]) -> str:
    # Emojis and pictographs are category So; a claim's meaning is in its words. (No ASCII
    # character is a symbol of these categories, so only the others are looked at: looking
    # up every character, in Python, made clean() 1.7 times slower on English claims.)
    char = found.group()
    return "" if unicodedata.category(char) in {"So", "Cs", "Co"} else char


def _stem(word: str) -> str:
    # Plural and third-person "s" only: enough for "vaccines"/"vaccine" and safe for names.
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
