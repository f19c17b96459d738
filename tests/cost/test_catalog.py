"""Every resource type an inventory can hold is priced or explicitly free; a new one fails here."""

from __future__ import annotations

import pytest

from tests.cost.fragments import COMING_SOON, control_plane_rows, doc, resource, variant_doc, with_resources
from tools.cost import UnpricedTypesError, estimate
from tools.cost.catalog import FREE, unpriced
from tools.cost.pricers import PRICERS


def _types(document):
    return {r["type"] for r in document["resources"] if r["custom"]}


def test_every_type_of_every_stack_and_toggle_is_priced_or_free():
    seen = set()
    for document in (doc("dev"), doc("prod"), variant_doc("all-on"), variant_doc("all-off")):
        seen |= _types(document)
    assert unpriced(seen) == [], "add a pricer (tools/cost/pricers/) or a FREE entry (tools/cost/catalog.py)"
    assert {"aws:bedrock/guardrail:Guardrail", "aws:secretsmanager/secretVersion:SecretVersion",
            "aws:s3/bucket:Bucket"} <= seen  # the toggles really added their resources


def test_coming_control_plane_types_are_ready():
    assert unpriced(set(COMING_SOON)) == []
    assert set(COMING_SOON) <= {r["type"] for r in control_plane_rows()}


def test_no_type_is_both_priced_and_free():
    assert not set(PRICERS) & set(FREE)


def test_an_unknown_type_fails_the_estimate_naming_it():
    fragment = with_resources(doc("dev"), resource("aws:rds/instance:Instance", "db", {"instanceClass": "db.t4g.micro"}))
    with pytest.raises(UnpricedTypesError) as err:
        estimate(fragment)
    assert err.value.types == ["aws:rds/instance:Instance"]
    assert "tools/cost/catalog.py" in str(err.value)


def test_the_control_plane_fragment_prices_without_error():
    result = estimate(with_resources(doc("dev"), *control_plane_rows()))
    priced = {line.type for line in result.lines}
    assert {"aws:lambda/function:Function", "aws:dynamodb/table:Table", "aws:elasticache/serverlessCache:ServerlessCache",
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "aws:athena/workgroup:Workgroup",
            "aws:scheduler/schedule:Schedule", "aws:appconfig/environment:Environment",
            "aws:inspector2/enabler:Enabler", "aws:apigateway/restApi:RestApi",
            "aws:cognito/identityProvider:IdentityProvider"} <= priced
    assert "ai-gateway:controlplane:ControlPlane" in result.by_component()
