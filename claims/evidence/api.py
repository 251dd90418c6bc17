"""The API of evidence: gathering runs, and what reviewers do with evidence."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.evidence.gathering import gathering_start, provider_job_retry
from claims.evidence.review import evidence_add, evidence_pin, evidence_set_stance
from claims.ingestion.documents import upload_from
from claims.ingestion.services import SourceDetails
from claims.models import Claim, Evidence, GatheringRun, ProviderJob
from factcheck.api import WRITE_ERRORS, by_id, validated
from factcheck.auth import acting_user
from factcheck.uploads import upload_refusal

Username = serializers.SlugRelatedField[User]


class EvidenceOutput(serializers.ModelSerializer[Evidence]):
    source_title = serializers.CharField(source="source.title")
    source_url = serializers.CharField(source="source.url")
    publisher = serializers.CharField(source="source.publisher")
    published_at = serializers.DateTimeField(source="source.published_at", allow_null=True)
    added_by: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    stance_by: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    source_kind = serializers.CharField(source="source.kind")
    supplied_by = serializers.CharField(source="source.supplied_by")

    class Meta:
        model = Evidence
        fields = [
            "id", "provider", "rank", "pinned", "relevance", "stance", "stance_cue", "passage",
            "source", "source_title", "source_url", "publisher", "published_at",
            "published_after_claim", "interested_party", "snapshot_hash", "retrieved_at",
            "added_by", "stance_by", "source_kind", "supplied_by",
        ]  # fmt: skip


class ProviderJobOutput(serializers.ModelSerializer[ProviderJob]):
    class Meta:
        model = ProviderJob
        fields = [
            "id", "provider", "status", "attempts", "lease_until", "last_error", "cancel_reason",
            "evidence_found", "retry_at",
        ]  # fmt: skip


class GatheringRunOutput(serializers.ModelSerializer[GatheringRun]):
    jobs = ProviderJobOutput(many=True, read_only=True)

    class Meta:
        model = GatheringRun
        fields = [
            "id", "state", "providers_done", "providers_total", "errors", "started_at",
            "finished_at", "jobs",
        ]  # fmt: skip


class ClaimGatherApi(APIView):
    """Start gathering evidence again (or return the run in progress)."""

    @extend_schema(request=None, responses={202: GatheringRunOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        run = gathering_start(claim=_claim(claim_id), user=acting_user(request.user))
        return Response(GatheringRunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class ProviderJobRetryApi(APIView):
    """Ask one provider of the claim's latest gathering run again, now."""

    @extend_schema(request=None, responses={202: ProviderJobOutput, **WRITE_ERRORS})
    def post(self, request: Request, job_id: int) -> Response:
        job = provider_job_retry(job=by_id(ProviderJob, job_id), user=acting_user(request.user))
        return Response(ProviderJobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class EvidenceAddInput(serializers.Serializer[None]):
    """One source: a URL to fetch, or a pasted text or a file with where it comes from."""

    url = serializers.CharField(max_length=2000, required=False, default="")
    text = serializers.CharField(required=False, default="", trim_whitespace=False)
    file = serializers.FileField(required=False, default=None)
    source_name = serializers.CharField(max_length=300, required=False, default="")
    source_kind = serializers.CharField(max_length=32, required=False, default="")
    source_date = serializers.DateField(required=False, default=None)
    source_url = serializers.CharField(max_length=2000, required=False, default="")
    supplied_by = serializers.CharField(max_length=300, required=False, default="")
    title = serializers.CharField(max_length=500, required=False, default="")


class EvidenceAddApi(APIView):
    """Add evidence a reviewer holds: JSON for a URL or a pasted text, multipart for a file."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before authentication, which may read the body: an oversized one is never read.
        refusal = upload_refusal(request._request)
        if refusal:
            raise ValidationError({"file": refusal})
        super().initial(request, *args, **kwargs)

    @extend_schema(request=EvidenceAddInput, responses={201: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        given = validated(EvidenceAddInput, request.data)
        upload = given["file"]
        evidence = evidence_add(
            claim=_claim(claim_id),
            user=acting_user(request.user),
            url=given["url"],
            text=given["text"],
            upload=upload_from(upload) if upload else None,
            details=SourceDetails(
                name=given["source_name"],
                kind=given["source_kind"],
                date=given["source_date"],
                url=given["source_url"],
                supplied_by=given["supplied_by"],
                title=given["title"],
            ),
        )
        return Response(EvidenceOutput(evidence).data, status=status.HTTP_201_CREATED)


class EvidencePinInput(serializers.Serializer[None]):
    pinned = serializers.BooleanField()


class EvidencePinApi(APIView):
    @extend_schema(request=EvidencePinInput, responses={200: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, evidence_id: int) -> Response:
        given = validated(EvidencePinInput, request.data)
        evidence = evidence_pin(
            evidence=by_id(Evidence, evidence_id),
            pinned=given["pinned"],
            user=acting_user(request.user),
        )
        return Response(EvidenceOutput(evidence).data)


class EvidenceStanceInput(serializers.Serializer[None]):
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)


class EvidenceStanceApi(APIView):
    @extend_schema(request=EvidenceStanceInput, responses={200: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, evidence_id: int) -> Response:
        given = validated(EvidenceStanceInput, request.data)
        evidence = evidence_set_stance(
            evidence=by_id(Evidence, evidence_id),
            stance=given["stance"],
            user=acting_user(request.user),
        )
        return Response(EvidenceOutput(evidence).data)


def _claim(claim_id: int) -> Claim:
    return by_id(Claim, claim_id)
