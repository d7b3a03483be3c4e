"""The forms of the workflow actions for the console and the phone pages, made from the fields each row of the
table declares (cases.workflow, mediation.workflow…): no list of actions or fields here."""

from __future__ import annotations

from django import forms

from gridgov.cases.action_inputs import WORKING_DAY_MINUTES
from gridgov.core.workflow import Field, Transition


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True  # renders `multiple`, and the browser sends every photo chosen


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d] or None
        return super().clean(data, initial)


class DurationWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        super().__init__([forms.NumberInput(attrs={"min": 1, "style": "width:6em"}),
                          forms.Select(choices=DurationField.UNITS)], attrs)

    def decompress(self, value):
        return [value // 60, "hours"] if value else [None, "hours"]


class DurationField(forms.MultiValueField):
    """延长时间: a number of hours or of working days (8 working hours each), as minutes for the service."""

    UNITS = [("hours", "小时"), ("days", "个工作日")]

    def __init__(self, **kwargs):
        super().__init__(fields=[forms.IntegerField(min_value=1, max_value=30 * 24),
                                 forms.ChoiceField(choices=self.UNITS)], widget=DurationWidget(),
                         require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or data_list[0] in (None, ""):
            return None
        amount, unit = data_list[0], data_list[1] or "hours"
        return amount * (WORKING_DAY_MINUTES if unit == "days" else 60)


def _form_field(f: Field, *, units, categories, options) -> forms.Field:
    label, required = f.label, f.required
    # Texts are checked by the service, whose refusal names what is missing ("请填写不予立案的原因")
    if f.kind == "text":
        return forms.CharField(label=label, required=False, max_length=f.max_length or 2000)
    if f.kind == "textarea":
        return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    if f.kind == "choice":
        choices = list(f.choices) if required else [("", "不变")] + list(f.choices)
        return forms.TypedChoiceField(label=label, required=required, choices=choices,
                                      coerce=type(f.choices[0][0]) if f.choices else str, empty_value=None)
    if f.kind == "category":
        return forms.ChoiceField(label=label, required=required, choices=[("", "不变")] + [
            (c.code, f"{c.code} {c.name}") for c in categories])
    if f.kind == "unit":
        choices = [(str(u.pk), u.name) for u in units]
        return forms.ChoiceField(label=label, required=required,
                                 choices=choices if required else [("", f.help or "—")] + choices)
    if f.kind == "units":
        return forms.MultipleChoiceField(label=label, required=required, widget=forms.CheckboxSelectMultiple,
                                         choices=[(str(u.pk), u.name) for u in units])
    if f.kind == "case_number":
        return forms.CharField(label=label, required=required, max_length=18,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "15位事件编号"}))
    if f.kind == "duration":
        return DurationField(label=label, required=required)
    if f.kind == "bool":
        return forms.BooleanField(label=label, required=False)
    if f.kind == "int":
        return forms.IntegerField(label=label, required=required, min_value=1, max_value=10**9)
    if f.kind == "date":
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if f.kind == "option":  # choices known when the form is made (a committee's mediators, the risk levels)
        choices = [(str(v), str(lbl)) for v, lbl in options.get(f.name, ())]
        return forms.ChoiceField(label=label, required=required,
                                 choices=choices if required else [("", f.help or "—")] + choices)
    if f.kind == "photos":
        return MultipleFileField(label=label, required=False, help_text=f.help,
                                 widget=MultipleFileInput(attrs={"accept": "image/*"}))
    raise ValueError(f"unknown field kind {f.kind}")


def action_form(t: Transition, *, data=None, files=None, units=(), categories=(), options=None,
                initial=None) -> forms.Form:
    """The form of one row; `options` gives the choices of its "option" fields by name."""
    fields = {f.name: _form_field(f, units=units, categories=categories, options=options or {}) for f in t.fields}
    form_class = type(f"{t.action.title().replace('_', '')}Form", (forms.Form,), fields)
    return form_class(data, files, initial=initial, auto_id=f"id_{t.action}_%s")
