"""Form helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import mark_safe

from lib.html import escape_text


class StyledFormMixin:
    """Gives widgets Bootstrap's classes and marks invalid fields for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


def _attrs_html(attrs: dict[str, Any]) -> str:
    """A widget's attributes as django/forms/widgets/attrs.html writes them."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {escape_text(name)}")
        else:
            parts.append(f' {escape_text(name)}="{escape_text(value)}"')
    return "".join(parts)


class PlainSelect(forms.Select):
    """A <select> written in Python, byte for byte what Django's select.html and
    select_option.html write: those render one template per option, which costs a filter
    bar of five selects several milliseconds a request."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        name_html = escape_text(widget["name"])
        parts = [f'<select name="{name_html}"{_attrs_html(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape_text(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{escape_text(option["value"])}"'
                    f"{_attrs_html(option['attrs'])}>{escape_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the form renderer strips the template's last newline
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


class _PlainInputMixin:
    """An <input> written in Python, byte for byte what Django's input.html writes (the
    form renderer strips the newlines its templates end with)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape_text(widget["value"])}"'
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{escape_text(widget["type"])}" '
            f'name="{escape_text(widget["name"])}"{shown}{_attrs_html(widget["attrs"])}>'
        )


class PlainTextInput(_PlainInputMixin, forms.TextInput):
    pass


class PlainDateInput(_PlainInputMixin, forms.DateInput):
    pass


class PlainHiddenInput(_PlainInputMixin, forms.HiddenInput):
    pass
