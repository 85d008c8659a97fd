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


# two-character surnames (复姓): the given name starts after them
COMPOUND_SURNAMES = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒",
    "夏侯", "端木", "万俟", "单于", "独孤", "南宫", "西门", "百里", "呼延", "轩辕", "申屠", "澹台", "公冶",
}


def given_name(name):
    """The name without its surname (李建华 → 建华, 欧阳明 → 明), so that a search for the given name
    is a prefix search on an index like a search for the whole name."""
    name = name.strip()
    surname = 2 if name[:2] in COMPOUND_SURNAMES else 1
    return name[surname:] if len(name) > surname else ""
