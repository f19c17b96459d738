"""Metrics AWS services publish for the resources this stack creates (namespace -> metric -> dimension sets).

Alarms and dashboard widgets may only use a metric listed here or one the collector declares
(:mod:`components.renderers.metrics_catalog`); a test holds them to it. Sources: the CloudWatch
metric pages of Application Load Balancer, ECS, ECS Container Insights, Lambda and WAFv2.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

ALB = "AWS/ApplicationELB"
ECS = "AWS/ECS"
CONTAINER_INSIGHTS = "ECS/ContainerInsights"
WAF = "AWS/WAFV2"
LAMBDA = "AWS/Lambda"

_LB = ("LoadBalancer",)
_TG = ("TargetGroup", "LoadBalancer")
_SERVICE = ("ClusterName", "ServiceName")
_WAF_RULE = ("WebACL", "Region", "Rule")

PUBLISHED: Mapping[str, Mapping[str, tuple[tuple[str, ...], ...]]] = MappingProxyType({
    ALB: MappingProxyType({
        "RequestCount": (_LB, _TG),
        "HTTPCode_Target_2XX_Count": (_LB, _TG),
        "HTTPCode_Target_4XX_Count": (_LB, _TG),
        "HTTPCode_Target_5XX_Count": (_LB, _TG),
        "HTTPCode_ELB_4XX_Count": (_LB,),
        "HTTPCode_ELB_5XX_Count": (_LB,),
        "TargetResponseTime": (_LB, _TG),
        "HealthyHostCount": (_TG,),
        "UnHealthyHostCount": (_TG,),
        "RejectedConnectionCount": (_LB,),
        "TargetConnectionErrorCount": (_LB, _TG),
        "ActiveConnectionCount": (_LB,),
        "RequestCountPerTarget": (("TargetGroup",), _TG),
    }),
    ECS: MappingProxyType({
        "CPUUtilization": (_SERVICE,),
        "MemoryUtilization": (_SERVICE,),
    }),
    CONTAINER_INSIGHTS: MappingProxyType({
        "RunningTaskCount": (_SERVICE,),
        "DesiredTaskCount": (_SERVICE,),
        "PendingTaskCount": (_SERVICE,),
        "CpuUtilized": (_SERVICE,),
        "MemoryUtilized": (_SERVICE,),
    }),
    LAMBDA: MappingProxyType({
        "Errors": (("FunctionName",),),
        "Throttles": (("FunctionName",),),
        "AsyncEventsDropped": (("FunctionName",),),
    }),
    WAF: MappingProxyType({
        "AllowedRequests": (_WAF_RULE,),
        "BlockedRequests": (_WAF_RULE,),
        "CountedRequests": (_WAF_RULE,),
    }),
})


def is_published(namespace: str, metric: str, dimensions: frozenset[str]) -> bool:
    """Whether AWS publishes ``metric`` in ``namespace`` with exactly these dimension names."""
    sets = PUBLISHED.get(namespace, {}).get(metric, ())
    return any(frozenset(s) == dimensions for s in sets)
