from __future__ import annotations

from django.contrib.auth.decorators import login_required, user_passes_test
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fairdesk.accounts.phone import mask_phone
from fairdesk.core.errors import DomainError
from fairdesk.dispatch import selectors, services
from fairdesk.dispatch.models import JobStatus


def _is_technician(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == "technician"


@login_required(login_url="/admin/login/")
@user_passes_test(_is_technician, login_url="/admin/login/")
def technician_home(request):
    """The technician's phone page: today's jobs in order, one big button for the next step."""
    services.offers_expire()
    technician = selectors.technician_for_user(user=request.user)
    if technician is None:
        raise Http404
    jobs = selectors.jobs_for_technician(technician=technician)
    for job in jobs:
        job.masked_phone = mask_phone(job.urgent.phone)
    return render(
        request,
        "dispatch/technician.html",
        {"technician": technician, "jobs": jobs, "error": request.GET.get("error")},
    )


NEXT = {"accept": None, "en_route": JobStatus.EN_ROUTE, "on_site": JobStatus.ON_SITE, "done": JobStatus.DONE}


@login_required(login_url="/admin/login/")
@user_passes_test(_is_technician, login_url="/admin/login/")
@require_POST
def job_action(request, job_id: int):
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            services.job_accept(job_id=job_id, actor=request.user)
        elif action == "decline":
            services.job_decline(job_id=job_id, actor=request.user, reason=request.POST.get("reason", ""))
        elif action in NEXT:
            services.job_advance(job_id=job_id, actor=request.user, to=NEXT[action])
        else:
            raise Http404
    except DomainError as exc:
        return render(
            request, "bookings/error.html", {"error": str(exc.message), "back": "/tech/"}, status=409
        )
    return redirect("dispatch:technician")


@login_required(login_url="/admin/login/")
@user_passes_test(_is_technician, login_url="/admin/login/")
@require_POST
def position(request):
    technician = selectors.technician_for_user(user=request.user)
    try:
        services.technician_position(
            technician=technician,
            lat=float(request.POST["lat"]),
            lng=float(request.POST["lng"]),
            actor=request.user,
        )
    except (KeyError, ValueError, DomainError):
        return render(
            request, "bookings/error.html", {"error": "invalid position", "back": "/tech/"}, status=422
        )
    return redirect("dispatch:technician")
