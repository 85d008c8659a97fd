"""Pinyin initials of names for search: 张志强 → zzq. A surname with a reading of its own
(曾 zeng, not ceng) also gets the initials of that reading, so zzw finds 曾志伟."""

from pypinyin import Style, lazy_pinyin

# surnames whose reading as a surname differs from the character's common reading (first letter)
SURNAME_INITIALS = {
    "曾": "z", "单": "s", "翟": "z", "覃": "q", "解": "x", "查": "z", "仇": "q", "区": "o", "朴": "p",
    "员": "y", "乐": "y", "缪": "m", "尉": "y", "种": "c", "盖": "g", "黑": "h", "华": "h", "秘": "b",
    "召": "s", "冼": "x", "繁": "p", "隗": "w", "万俟": "mq", "尉迟": "yc", "单于": "cy",
}


def name_initials(name):
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def surname_initials(name):
    """The initials with the surname read as a surname, or "" when that is the common reading."""
    for surname in sorted(SURNAME_INITIALS, key=len, reverse=True):
        if name.startswith(surname):
            alternative = SURNAME_INITIALS[surname] + name_initials(name[len(surname):])
            return "" if alternative == name_initials(name) else alternative
    return ""
