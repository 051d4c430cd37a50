"""The word caches of the matcher, in one list, so the index that fills them can clear them (DirectoryIndex.close).

The look-ups below are pure functions of a word (spelling, scanning and sound keys, word likeness), of a name (its
words, its legal forms, its ASCII folding) or of a label's line (what it holds), cached with `functools.lru_cache`
because the same words, names and lines come back label after label. The caches live at module level (a cache per
function), but only an index fills them: DirectoryIndex.close() clears them with the index's own memo tables, and the
desk closes an index when it drops it (app.desk.matching_service).
"""

from __future__ import annotations

from typing import Protocol

from app.matching import label, nicknames, normalize, similarity


class _Cached(Protocol):
    def cache_clear(self) -> None: ...

    def cache_info(self) -> object: ...


def word_caches() -> tuple[_Cached, ...]:
    """Every word cache. (A function, not a module constant: the functions are looked up once their modules are
    loaded, which an import cycle through the index would otherwise leave untyped for mypy and mypyc.)"""
    return (
        normalize.fold,
        normalize.name_tokens,
        normalize.legal_forms,
        nicknames.variants,
        similarity.spelling_key,
        similarity.plain_ocr_key,
        similarity.ocr_key,
        similarity.loose_ocr_keys,
        similarity.phonetic_key,
        similarity.token_sim,
        label.read_line,
        label.label_words,
    )


def clear_word_caches() -> None:
    for cached in word_caches():
        cached.cache_clear()


def word_cache_entries() -> int:
    """How many results the word caches hold (for tests and the log)."""
    return sum(int(getattr(cached.cache_info(), "currsize", 0)) for cached in word_caches())
