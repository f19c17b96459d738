"""aws-ecs-task-image-digest: a digest, or a tag of an immutable ECR repository of this stack that
the task definition is computed from (the mirrored AppConfig Agent image takes this path)."""

from __future__ import annotations

from .policy_fixtures import ACCOUNT, Inventory, compliant_stack
from .test_rules import run

POLICY = "aws-ecs-task-image-digest"
MIRRORED = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ai-gateway-test:aws-appconfig-agent-2.0.13147"


def _with_mirrored_image(image: str = MIRRORED, depends_on_repo: bool = True) -> Inventory:
    inv = compliant_stack()
    with inv.document("task", "containerDefinitions") as containers:
        containers[0]["image"] = image
    if depends_on_repo:
        inv.set_deps("task", "containerDefinitions", ["gateway-logs", "repo"])
    return inv


def test_a_tag_of_this_stacks_immutable_repository_is_pinned() -> None:
    assert run(_with_mirrored_image(), POLICY) == []


def test_a_tag_of_a_mutable_repository_is_not() -> None:
    inv = _with_mirrored_image()
    inv.set("repo", "imageTagMutability", "MUTABLE")
    [violation] = run(inv, POLICY)
    assert violation["enforcement"] == "mandatory" and violation["urn"] == inv.urn("task")
    assert "is not pinned" in violation["message"]


def test_a_tag_of_a_repository_the_task_does_not_come_from_is_not() -> None:
    # Same name in the text, but no property dependency: nothing ties the tag to a repository we manage.
    assert len(run(_with_mirrored_image(depends_on_repo=False), POLICY)) == 1
    other = MIRRORED.replace("ai-gateway-test:", "someone-elses:")
    assert len(run(_with_mirrored_image(other), POLICY)) == 1


def test_a_public_tag_is_not_pinned_even_next_to_an_immutable_repository() -> None:
    inv = _with_mirrored_image("public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.x")
    [violation] = run(inv, POLICY)
    assert "aws-appconfig-agent:2.x" in violation["message"]
