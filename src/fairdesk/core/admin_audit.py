"""Back-office edits are state changes too: every save and delete through the admin appends an Event."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.forms.models import BaseInlineFormSet, model_to_dict
from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import ADMIN_CHANGED, ADMIN_CREATED, ADMIN_DELETED
from fairdesk.core.money import format_fen
from fairdesk.core.services import event_record


def _jsonable(values: dict) -> dict:
    return {
        key: value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        for key, value in values.items()
    }


def _yuan_column(model, name: str):
    """A list column showing an integer-fen field as yuan with two decimals (¥150.00), sortable."""
    label = str(model._meta.get_field(name).verbose_name).replace("（分）", "").replace(" (fen)", "")

    def column(obj):
        value = getattr(obj, name)
        return "-" if value is None else format_fen(value)

    column.short_description = label
    column.admin_order_field = name
    column.__name__ = f"{name}_yuan"
    return column


def _name_inputs(widget, name: str) -> None:
    """Give every input a widget draws its own accessible name: a split date/time gets one per part, an input
    in a table row (an inline, where no <label> is drawn) gets the field's name."""
    inner = getattr(widget, "widget", None)  # RelatedFieldWidgetWrapper around the real widget
    if inner is not None:
        _name_inputs(inner, name)
        return
    parts = getattr(widget, "widgets", None)
    if parts:
        words = [_("日期"), _("时间")] if isinstance(widget, forms.SplitDateTimeWidget) else None
        for n, part in enumerate(parts):
            part.attrs["aria-label"] = f"{name} · {words[n] if words else n + 1}"
        return
    widget.attrs.setdefault("aria-label", name)


class LabelledFields:
    """The back office passes the same accessibility check as the customer pages (axe, issue 16): Django's
    split date/time inputs and the fields of tabular inlines have no <label> of their own."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            _name_inputs(field.widget, str(db_field.verbose_name))
        return field


class NamedDeleteFormSet(BaseInlineFormSet):
    """An inline row's "delete" checkbox has no <label> in a table: it gets a name."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("删除这一行")


class LabelledTabularInline(LabelledFields, admin.TabularInline):
    formset = NamedDeleteFormSet


class LabelledStackedInline(LabelledFields, admin.StackedInline):
    formset = NamedDeleteFormSet


class MoneyInYuan:
    """Money is stored in fen; people in the back office read yuan. Every `*_fen` column is shown as yuan."""

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return [_yuan_column(self.model, c) if str(c).endswith("_fen") else c for c in columns]


class AuditedAdmin(LabelledFields, MoneyInYuan, admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = {
                name: form.cleaned_data.get(name) for name in form.changed_data if name in form.cleaned_data
            }
            event_record(
                kind=ADMIN_CHANGED if change else ADMIN_CREATED,
                subject=obj,
                actor=request.user,
                payload={"model": obj._meta.label_lower, "fields": _jsonable(changed)},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            snapshot = _jsonable(model_to_dict(obj))
            subject_type, subject_id = obj._meta.label_lower, obj.pk
            super().delete_model(request, obj)
            event_record(
                kind=ADMIN_DELETED,
                subject_type=subject_type,
                subject_id=subject_id,
                actor=request.user,
                payload={"model": subject_type, "fields": snapshot},
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                event_record(
                    kind=ADMIN_DELETED,
                    subject=obj,
                    actor=request.user,
                    payload={"model": obj._meta.label_lower, "fields": _jsonable(model_to_dict(obj))},
                )
                obj.delete()
            for obj in instances:
                created = obj.pk is None
                obj.save()
                event_record(
                    kind=ADMIN_CREATED if created else ADMIN_CHANGED,
                    subject=obj,
                    actor=request.user,
                    payload={"model": obj._meta.label_lower, "fields": _jsonable(model_to_dict(obj))},
                )
            formset.save_m2m()


class ReadOnlyAdmin(LabelledFields, MoneyInYuan, admin.ModelAdmin):
    """For records that change only through services (bookings) or never (events): view and search only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
