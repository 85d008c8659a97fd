"""Password rules for staff accounts."""

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's length rule with a message of our own: Django 5.2 changed its message id and the
    shipped zh_Hans catalogue still carries the old one, so staff saw the refusal in English."""

    def get_error_message(self):
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}


# the rows of a keyboard, unshifted and shifted: a password that walks along one is guessed first
KEYBOARD_ROWS = (
    "`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./",
    "~!@#$%^&*()_+", "qwertyuiop{}|", 'asdfghjkl:"', "zxcvbnm<>?",
)
# the password printed in the README for the demo accounts: known to everyone who read it
PUBLISHED_PASSWORDS = ("Union-Aid-Demo-2026",)


def _walks_a_row(password):
    """Each character stands beside the one before it on the same keyboard row (either way)."""
    text = password.lower()
    for row in KEYBOARD_ROWS:
        if all(a in row and b in row and abs(row.index(a) - row.index(b)) == 1 for a, b in zip(text, text[1:])):
            return True
    return False


class GuessablePasswordValidator:
    """Refuses what a guesser tries first, whatever its length: only spaces, one character
    repeated, a walk along one keyboard row (qwertyuiop…, 1234567890-=, back and forth), or a
    password that was published (the demo's)."""

    def validate(self, password, user=None):
        stripped = password.strip()
        if not stripped:
            raise ValidationError(_("密码不能只由空格组成。"), code="password_blank")
        if len(set(password)) == 1:
            raise ValidationError(_("密码不能由同一个字符重复组成。"), code="password_repeated")
        if len(stripped) > 1 and _walks_a_row(stripped):
            raise ValidationError(_("密码不能是键盘上一排相连的按键。"), code="password_keyboard_row")
        if stripped.lower() in {p.lower() for p in PUBLISHED_PASSWORDS}:
            raise ValidationError(_("这是公开的演示密码，不能使用。"), code="password_published")

    def get_help_text(self):
        return _("不能只由空格或同一个字符组成，不能是键盘上一排相连的按键，也不能是公开的演示密码。")
