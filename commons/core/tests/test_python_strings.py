"""Every string the Python code shows a reader goes through gettext.

Read from the syntax tree of each module of commons/ (not tests, not migrations): the
messages of django.contrib.messages, ValidationError and add_error, the text of an
HttpResponse, form and model labels (label=, help_text=, verbose_name=…, a Meta's
verbose_name) and the labels of TextChoices members must not be bare string literals.
The labels of a Status carry a context naming the thing ("event status"): the same
English word (Published, Cancelled) agrees with different nouns in other languages.
"""

import ast
from pathlib import Path

import pytest

COMMONS = Path(__file__).resolve().parents[2]

MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
LABEL_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
# Names of messaging apps (directory.vocabularies.HotlineChannel): a reader looks for the
# app's own name on the phone, which is written the same in every language.
PRODUCT_NAMES = {"WhatsApp", "LINE", "Viber", "Telegram", "Messenger", "Signal"}


def modules() -> list[Path]:
    return sorted(
        p
        for p in COMMONS.glob("**/*.py")
        if not {"tests", "migrations"} & set(p.relative_to(COMMONS).parts)
        and p.name != "conftest.py"
    )


def is_text(node: ast.AST | None) -> bool:
    """A string literal (or f-string) holding at least one letter."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        value = (
            node.value.decode("utf-8", "replace") if isinstance(node.value, bytes) else node.value
        )
        return any(c.isalpha() for c in value)
    if isinstance(node, ast.JoinedStr):
        return any(is_text(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):  # "a" + "b", "…%s" % x
        return is_text(node.left)
    return False


def name_of(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def owner_of(func: ast.AST) -> str:
    return name_of(func.value) if isinstance(func, ast.Attribute) else ""


def arg(call: ast.Call, index: int) -> ast.AST | None:
    return call.args[index] if len(call.args) > index else None


def _call_problems(call: ast.Call):
    name, owner = name_of(call.func), owner_of(call.func)
    if owner == "messages" and name in MESSAGE_LEVELS and is_text(arg(call, 1)):
        yield arg(call, 1), f"messages.{name}"
    if owner == "messages" and name == "add_message" and is_text(arg(call, 2)):
        yield arg(call, 2), "messages.add_message"
    if name == "ValidationError":
        message = arg(call, 0)
        if is_text(message):
            yield message, "ValidationError"
        if isinstance(message, ast.Dict):
            yield from ((v, "ValidationError") for v in message.values if is_text(v))
    if name == "add_error" and is_text(arg(call, 1)):
        yield arg(call, 1), "add_error"
    if name.startswith("HttpResponse") and is_text(arg(call, 0)):
        yield arg(call, 0), name
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg in LABEL_KEYWORDS and is_text(value):
            yield value, f"{keyword.arg}="
        if keyword.arg == "error_messages" and isinstance(value, ast.Dict):
            yield from ((v, "error_messages=") for v in value.values if is_text(v))
        if keyword.arg == "choices" and isinstance(value, ast.List | ast.Tuple):
            for choice in value.elts:
                # A label equal to its stored value is a code no reader sees (buttons
                # post it); any other literal label is shown in a <select>.
                if (
                    isinstance(choice, ast.Tuple)
                    and len(choice.elts) == 2
                    and is_text(choice.elts[1])
                    and ast.dump(choice.elts[0]) != ast.dump(choice.elts[1])
                ):
                    yield choice.elts[1], "choices="


def _class_problems(cls: ast.ClassDef):
    bases = {name_of(b) for b in cls.bases}
    for statement in cls.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target = name_of(statement.targets[0])
        value = statement.value
        meta_name = cls.name == "Meta" and target in {"verbose_name", "verbose_name_plural"}
        if meta_name and is_text(value):
            yield value, f"Meta.{target}"
        if bases & CHOICES_BASES and target.isupper():
            # A member without a label gets one made from its name, in English.
            if not isinstance(value, ast.Tuple):
                yield value, f"{cls.name}.{target} has no translated label"
            elif cls.name == "Status" and name_of(getattr(value.elts[-1], "func", None)) in {
                "_",
                "gettext",
                "gettext_lazy",
            }:
                yield value.elts[-1], f"{cls.name}.{target} has no context"
            elif (
                len(value.elts) > 1
                and is_text(value.elts[-1])
                and getattr(value.elts[-1], "value", None) not in PRODUCT_NAMES
            ):
                yield value.elts[-1], f"{cls.name}.{target}"


def untranslated(source: str) -> list[tuple[int, str, str]]:
    """(line, where, text) of each user-facing string literal not wrapped in gettext."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            problems = _call_problems(node)
        elif isinstance(node, ast.ClassDef):
            problems = _class_problems(node)
        else:
            continue
        for literal, where in problems:
            found.append((literal.lineno, where, ast.unparse(literal)[:80]))
    return sorted(found)


def test_it_finds_bare_strings_shown_to_readers():
    source = """
class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", "Closed"
    HIDDEN = "hidden"
    DRAFT = "draft", _("Draft")

class Form(forms.Form):
    name = forms.CharField(label="Name", help_text=_("Your name"), max_length=3)
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "a"), ("b", "Bee")], error_messages={
        "required": "Say"})

    class Meta:
        verbose_name = "form"

def view(request):
    messages.success(request, _("Saved."))
    messages.error(request, f"Could not save {x}.")
    raise ValidationError({"name": "Too long", "other": _("Fine")})
    return HttpResponseBadRequest("Bad file"), HttpResponse(b"")
"""
    assert untranslated(source) == [
        (4, "Status.CLOSED", "'Closed'"),
        (5, "Status.HIDDEN has no translated label", "'hidden'"),
        (6, "Status.DRAFT has no context", "_('Draft')"),
        (9, "label=", "'Name'"),
        (10, "choices=", "'Bee'"),
        (11, "error_messages=", "'Say'"),
        (14, "Meta.verbose_name", "'form'"),
        (18, "messages.error", "f'Could not save {x}.'"),
        (19, "ValidationError", "'Too long'"),
        (20, "HttpResponseBadRequest", "'Bad file'"),
    ]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(COMMONS)))
def test_every_string_shown_to_a_reader_is_translatable(path):
    found = untranslated(path.read_text(encoding="utf-8"))
    where = path.relative_to(COMMONS)
    assert not found, "untranslated strings:\n" + "\n".join(
        f"{where}:{line}: {kind}: {text}" for line, kind, text in found
    )
