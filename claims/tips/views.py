"""The readers' pages: the tip form (/tips/), and each tip's private status page."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from rest_framework.request import Request

from claims.models import Tip
from claims.tips.api import TipRateThrottle
from claims.tips.models import MAX_TIP_CHARS, TOO_LONG
from claims.tips.selectors import tip_status
from claims.tips.services import tip_contact_forget, tip_submit


class TipForm(forms.Form):
    text = forms.CharField(
        label="What claim should we check?",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TIP_CHARS}),
        max_length=MAX_TIP_CHARS * 4,  # a first cut; the service counts without extra spaces
        error_messages={"max_length": TOO_LONG},
        strip=False,
    )
    link = forms.CharField(label="Where did you see it? (a link, optional)", required=False)
    contact = forms.CharField(
        label="Your email address (optional: we tell you when we publish the check)",
        required=False,
    )
    website = forms.CharField(label="Leave this empty", required=False)


def tip_form(request: HttpRequest) -> HttpResponse:
    """The form readers send claims with; on sending, the check or a receipt."""
    form = TipForm(request.POST or None)
    if request.method != "POST":
        return render(request, "claims/tips/form.html", {"form": form})
    throttle = TipRateThrottle()
    if not throttle.allow_request(Request(request), None):
        wait = throttle.wait() or 60
        context = {"form": form, "throttled_minutes": max(round(wait / 60), 1)}
        return render(request, "claims/tips/form.html", context, status=429)
    if not form.is_valid():
        return render(request, "claims/tips/form.html", {"form": form}, status=400)
    try:
        receipt = tip_submit(**form.cleaned_data)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return render(request, "claims/tips/form.html", {"form": form}, status=400)
    # After a POST, a GET: reloading the page the reader lands on sends nothing twice.
    return redirect(f"{reverse('tip-status', args=[receipt.tip.token])}?sent=1")


def tip_status_page(request: HttpRequest, token: str) -> HttpResponse:
    """Where the reader follows a tip: received, being checked, or our published check."""
    status = tip_status(token)
    if status is None:
        raise Http404("No tip has this link.")
    context = {"status": status, "just_sent": "sent" in request.GET}
    response = render(request, "claims/tips/status.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the link is the reader's private key
    return response


def tip_contact_forget_view(request: HttpRequest, token: str) -> HttpResponse:
    """Delete the reader's contact address, from the status page's button."""
    if request.method != "POST":
        return redirect("tip-status", token=token)
    tip = Tip.objects.filter(token=token).first()
    if tip is None:
        raise Http404("No tip has this link.")
    tip_contact_forget(tip=tip)
    return redirect("tip-status", token=token)
