"""KMS keys, secrets, Bedrock guardrails and Amazon Inspector."""

from __future__ import annotations

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge

GUARDRAIL_POLICIES = (
    ("contentPolicyConfig", "content filters", "bedrock_guardrails.content_1k_text_units"),
    ("topicPolicyConfig", "denied topics", "bedrock_guardrails.topics_1k_text_units"),
    ("contextualGroundingPolicyConfig", "contextual grounding", "bedrock_guardrails.grounding_1k_text_units"),
)


def kms_key(res: Resource, ctx: PricingContext) -> list[Charge]:
    """A customer managed key and its requests."""
    requests = ctx.assumptions.kms_requests_per_key
    return [
        Charge("customer managed key", 1, "kms.key_month", "fixed", "1 key"),
        Charge("key requests", requests / 10_000, "kms.10k_requests", "variable", f"{requests:,} requests (assumption)"),
    ]


def secret(res: Resource, ctx: PricingContext) -> list[Charge]:
    """A secret (the tasks read it once at start: API calls are negligible)."""
    return [Charge("secret", 1, "secretsmanager.secret_month", "fixed", "1 secret")]


def guardrail(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Every request and response is evaluated by each priced policy the guardrail has."""
    units = ctx.traffic.requests * ctx.traffic.text_units_per_request / 1_000
    basis = f"{ctx.traffic.text_units_per_request} text units per request (input + output)"
    charges = [Charge(label, units, key, "variable", basis)
               for field, label, key in GUARDRAIL_POLICIES if res.inputs.get(field)]
    if res.get("sensitiveInformationPolicyConfig", "piiEntitiesConfigs"):
        charges.append(Charge("sensitive-information filters", units, "bedrock_guardrails.pii_1k_text_units",
                              "variable", basis))
    return charges


def inspector_enabler(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Scans of the enabled resource types: ECR images on push and rescans, Lambda functions."""
    a = ctx.assumptions
    kinds = {str(k).upper() for k in res.inputs.get("resourceTypes") or []}
    repositories = len(ctx.inventory.of_type("aws:ecr/repository:Repository"))
    charges: list[Charge] = []
    if "ECR" in kinds:
        charges += [
            Charge("image scans on push", a.ecr_images_pushed_per_month * repositories, "inspector.ecr_initial_scan",
                   "variable", f"{a.ecr_images_pushed_per_month} pushes x {repositories} repositories"),
            Charge("image rescans", a.ecr_images_stored * a.ecr_rescans_per_image * repositories,
                   "inspector.ecr_rescan", "variable",
                   f"{a.ecr_images_stored} images x {a.ecr_rescans_per_image} rescans x {repositories} repositories"),
        ]
    functions = ctx.facts.lambda_functions
    if "LAMBDA" in kinds:
        charges.append(Charge("Lambda function scanning", functions, "inspector.lambda_function_month", "fixed",
                              f"{functions} functions"))
    if "LAMBDA_CODE" in kinds:
        charges.append(Charge("Lambda code scanning", functions, "inspector.lambda_code_function_month", "fixed",
                              f"{functions} functions"))
    return charges


PRICERS = {
    "aws:kms/key:Key": kms_key,
    "aws:secretsmanager/secret:Secret": secret,
    "aws:bedrock/guardrail:Guardrail": guardrail,
    "aws:inspector2/enabler:Enabler": inspector_enabler,
}
