"""A plain-English check of the text nbdesk writes for young people: the average sentence length,
the longest sentences and the long words, for the lead to look at and fix where they can. Nothing
is enforced; it is a prompt, shown in the Returns preview and printed by the command line.

A word is long when it has three syllables or more (counted by a rule of thumb: groups of vowels,
less a silent final e) or more than 12 letters. Plain-English guides aim for sentences of about 15
to 20 words on average; the check says where this text stands against 15.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

AIM_WORDS_PER_SENTENCE = 15
LONG_SENTENCE = 25  # words: a sentence this long is listed
LONG_WORD_LETTERS = 12
LONG_WORD_SYLLABLES = 3
SHOW_AT_MOST = 12

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Words people read at a glance although the rule of thumb counts three syllables in them.
_EVERYDAY = {
    "every",
    "everyone",
    "anyone",
    "someone",
    "everything",
    "anything",
    "something",
    "whatever",
    "however",
    "together",
    "another",
    "family",
    "personal",
    "adviser",
    "advisor",
    "council",
    # Dates are read at a glance: months and days are never "long words" to fix.
    "january",
    "february",
    "september",
    "october",
    "november",
    "december",
    "saturday",
    "wednesday",
    "lonely",
}


def syllables(word: str) -> int:
    """A rule-of-thumb count: groups of vowels (y counts after a consonant), less a silent final e
    ('make'), but not in '-le' after a consonant ('table')."""
    w = word.lower().strip("'’-")
    if not w:
        return 0
    groups = re.findall(r"[aeiouy]+", w)
    count = len(groups)
    silent_e = w.endswith("e") and not w.endswith(("le", "ee", "ye"))
    vowel_le = w.endswith("le") and len(w) > 2 and w[-3] in "aeiouy"  # 'whole', not 'table'
    if (silent_e or vowel_le) and count > 1:
        count -= 1
    if w.endswith(("ed", "es")) and not w.endswith(
        ("ted", "ded", "ses", "zes", "ces", "ges", "ies")
    ):
        count = max(1, count - 1) if count > 1 else count
    return max(1, count)


def is_long(word: str) -> bool:
    letters = sum(ch.isalpha() for ch in word)
    if letters > LONG_WORD_LETTERS:
        return True
    if word.lower() in _EVERYDAY:
        return False
    # A word joined with hyphens ("care-experienced") is read part by part.
    return any(syllables(part) >= LONG_WORD_SYLLABLES for part in re.split(r"[-‐]", word) if part)


def sentences(text: str) -> list[str]:
    parts = (p.strip() for p in _SENTENCE_END.split(text))
    return [p for p in parts if _WORD.search(p)]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    long_word_count: int
    long_words: tuple[tuple[str, int], ...]  # (word, times), most used first
    long_sentences: tuple[str, ...]  # the sentences over LONG_SENTENCE words, longest first

    @property
    def average(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def long_share(self) -> float:
        return self.long_word_count / self.words if self.words else 0.0

    def summary(self) -> str:
        aim = "about right" if self.average <= AIM_WORDS_PER_SENTENCE else "long: aim for 15"
        return (
            f"{self.average:.1f} words a sentence on average ({aim}); "
            f"{self.long_word_count} long words of {self.words} ({self.long_share * 100:.0f}%)"
        )

    def lines(self) -> list[str]:
        """What the command line prints and the preview lists."""
        out = [f"Readability: {self.summary()}."]
        if self.long_sentences:
            out.append(f"Sentences over {LONG_SENTENCE} words (try splitting them):")
            out += [f"  - {s}" for s in self.long_sentences[:SHOW_AT_MOST]]
        if self.long_words:
            shown = ", ".join(
                f"{w} ×{n}" if n > 1 else w for w, n in self.long_words[: SHOW_AT_MOST * 2]
            )
            out.append(f"Long words (is there a shorter one?): {shown}")
        return out


def check(texts: Iterable[str]) -> Readability:
    """The readability of these pieces of text (each read as one or more sentences)."""
    all_sentences: list[str] = []
    for text in texts:
        all_sentences += sentences(text)
    counted: Counter[str] = Counter()
    total = 0
    long_sentences: list[tuple[int, str]] = []
    spelling: dict[str, str] = {}
    for sentence in all_sentences:
        found = words(sentence)
        total += len(found)
        if len(found) > LONG_SENTENCE:
            long_sentences.append((len(found), sentence))
        for w in found:
            if is_long(w):
                key = w.lower().strip("'’-")
                counted[key] += 1
                spelling.setdefault(key, w.strip("'’-"))
    seen: set[str] = set()
    longest: list[str] = []
    for _n, s in sorted(long_sentences, key=lambda x: -x[0]):
        if s not in seen:
            seen.add(s)
            longest.append(s)
    return Readability(
        sentences=len(all_sentences),
        words=total,
        long_word_count=sum(counted.values()),
        long_words=tuple(
            (spelling[k], n) for k, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        long_sentences=tuple(longest),
    )
