"""Control plane: DynamoDB tables, Lambda functions and permissions, HTTP API routes, AppConfig
(REST APIs: apigateway.py)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from .meta import Severity, resource_policy
from .plaintext import name_looks_secret, value_looks_secret
from .values import as_list, get, is_map, number, present, text

TABLE = "aws:dynamodb/table:Table"
FUNCTION = "aws:lambda/function:Function"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
HTTP_ROUTE = "aws:apigatewayv2/route:Route"
LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
APPCONFIG_PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile"
APPCONFIG_ENVIRONMENT = "aws:appconfig/environment:Environment"


# --- DynamoDB -----------------------------------------------------------------------------------

def _check_pitr(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(args.props.get("pointInTimeRecovery"), "enabled") is not True:
        report("Point-in-time recovery is off; a bad write or delete cannot be rolled back.", None)


table_pitr = resource_policy(
    name="aws-dynamodb-table-pitr",
    description="DynamoDB tables have point-in-time recovery.",
    severity=Severity.MEDIUM,
    remediation="Set point_in_time_recovery={'enabled': True}.",
    types={TABLE},
    validate=_check_pitr,
    tags=["backup"],
)


def _check_table_cmk(args: ResourceValidationArgs, report: ReportViolation) -> None:
    sse = args.props.get("serverSideEncryption")
    if get(sse, "enabled") is not True or not present(sse, "kmsKeyArn"):
        report("The table is not encrypted with a customer-managed KMS key "
               "(serverSideEncryption.enabled with kmsKeyArn).", None)


table_cmk = resource_policy(
    name="aws-dynamodb-table-cmk",
    description="DynamoDB tables are encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Set server_side_encryption={'enabled': True, 'kms_key_arn': key.arn}.",
    types={TABLE},
    validate=_check_table_cmk,
    tags=["encryption"],
)


def _check_table_deletion_protection(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.props.get("deletionProtectionEnabled") is not True:
        report("Deletion protection is off.", None)


table_deletion_protection = resource_policy(
    name="aws-dynamodb-table-deletion-protection",
    description="DynamoDB tables have deletion protection.",
    severity=Severity.MEDIUM,
    remediation="Set deletion_protection_enabled=True.",
    types={TABLE},
    validate=_check_table_deletion_protection,
    tags=["availability"],
)


# --- Lambda -------------------------------------------------------------------------------------

def _check_tracing(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(args.props.get("tracingConfig"), "mode") != "Active":
        report("X-Ray tracing is not Active.", None)


function_tracing = resource_policy(
    name="aws-lambda-function-tracing",
    description="Lambda functions have active X-Ray tracing.",
    severity=Severity.LOW,
    remediation="Set tracing_config={'mode': 'Active'} (and grant xray:PutTraceSegments).",
    types={FUNCTION},
    validate=_check_tracing,
    tags=["monitoring"],
)


def _check_concurrency_or_dlq(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    reserved = number(props.get("reservedConcurrentExecutions"))
    if reserved is not None and reserved > 0:
        return
    if present(props.get("deadLetterConfig"), "targetArn"):
        return
    report("The function has neither reserved concurrency (> 0) nor a dead-letter queue: a burst "
           "can starve other functions, and failed async events are lost.", None)


function_concurrency_or_dlq = resource_policy(
    name="aws-lambda-function-concurrency-or-dlq",
    description="Lambda functions have reserved concurrency or a dead-letter queue.",
    severity=Severity.LOW,
    remediation="Set reserved_concurrent_executions to a small positive number, or "
                "dead_letter_config={'target_arn': queue.arn} for asynchronously invoked functions.",
    types={FUNCTION},
    validate=_check_concurrency_or_dlq,
    tags=["availability"],
)


def _check_lambda_secrets(args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = [str(n) for n in as_list(args.get_config().get("allowedNames"))]
    variables = get(args.props.get("environment"), "variables")
    if not is_map(variables):
        return
    for name in variables:
        if name_looks_secret(str(name), allowed):
            report(f"Environment variable {name} looks like a credential; read it from Secrets "
                   "Manager at run time instead.", None)
        elif value_looks_secret(text(variables[name])):
            report(f"Environment variable {name} holds a value that looks like a credential.", None)


function_no_plaintext_secrets = resource_policy(
    name="aws-lambda-function-no-plaintext-secrets",
    description="No credentials in Lambda environment variables (by name or by value).",
    severity=Severity.HIGH,
    remediation="Store the value in Secrets Manager and pass the secret ARN in the environment.",
    types={FUNCTION},
    validate=_check_lambda_secrets,
    config={"allowedNames": {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": "Environment variable names exempt from the name heuristic.",
    }},
    tags=["secrets"],
)


def _check_function_url(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.props.get("authorizationType") != "AWS_IAM":
        report("The function URL is public (authorizationType NONE).", None)


function_url_auth = resource_policy(
    name="aws-lambda-function-url-auth",
    description="Lambda function URLs require IAM authorization.",
    severity=Severity.HIGH,
    remediation="Set authorization_type='AWS_IAM', or put the function behind API Gateway with an "
                "authorizer.",
    types={FUNCTION_URL},
    validate=_check_function_url,
    tags=["authentication"],
)


def _check_permission_scoped(args: ResourceValidationArgs, report: ReportViolation) -> None:
    principal = text(args.props.get("principal")) or ""
    if principal.endswith(".amazonaws.com") and not (present(args.props, "sourceAccount")
                                                     or present(args.props, "sourceArn")):
        report(f"The permission lets {principal} invoke the function on behalf of any account "
               "(no sourceAccount or sourceArn): another account's resource could trigger it.", None)


permission_service_scoped = resource_policy(
    name="aws-lambda-permission-service-scoped",
    description="A Lambda permission for an AWS service names the account or resource it acts for.",
    severity=Severity.HIGH,
    remediation="Set source_account=<this account> (and source_arn where the service documents it), "
                "so the service invokes the function only for this account's resources.",
    types={LAMBDA_PERMISSION},
    validate=_check_permission_scoped,
    tags=["iam", "confused-deputy"],
)


# --- AppConfig ------------------------------------------------------------------------------------

def _check_profile_validated(args: ResourceValidationArgs, report: ReportViolation) -> None:
    validators = as_list(args.props.get("validators"))
    if not [v for v in validators if text(get(v, "type")) in ("LAMBDA", "JSON_SCHEMA") and present(v, "content")]:
        report("The configuration profile has no validator: a malformed version deploys to every task "
               "that polls it.", None)


profile_validated = resource_policy(
    name="aws-appconfig-profile-validated",
    description="Every AppConfig configuration profile validates a version before it deploys.",
    severity=Severity.MEDIUM,
    remediation="Add validators=[{'type': 'LAMBDA', 'content': validator.arn}] (or a JSON_SCHEMA).",
    types={APPCONFIG_PROFILE},
    validate=_check_profile_validated,
    tags=["change-safety"],
)


def _check_environment_monitored(args: ResourceValidationArgs, report: ReportViolation) -> None:
    monitors = [m for m in as_list(args.props.get("monitors")) if present(m, "alarmArn")]
    if not monitors:
        report("The environment has no monitor: a deployment that breaks the service is never rolled back.", None)


environment_monitored = resource_policy(
    name="aws-appconfig-environment-monitored",
    description="AppConfig environments watch alarms that roll a bad deployment back.",
    severity=Severity.MEDIUM,
    remediation="Add monitors=[{'alarm_arn': ..., 'alarm_role_arn': ...}] for the alarms a bad config "
                "would fire.",
    types={APPCONFIG_ENVIRONMENT},
    validate=_check_environment_monitored,
    tags=["change-safety"],
)


# --- API Gateway ----------------------------------------------------------------------------------

def _check_route_authorized(args: ResourceValidationArgs, report: ReportViolation) -> None:
    kind = text(args.props.get("authorizationType")) or "NONE"
    if kind.upper() == "NONE":
        report(f"Route '{args.props.get('routeKey')}' has authorizationType NONE.", None)


route_authorized = resource_policy(
    name="aws-apigateway-route-authorized",
    description="Every HTTP API route requires authorization (REST API methods: "
                "aws-apigateway-method-cognito-scoped).",
    severity=Severity.HIGH,
    remediation="Set authorization_type 'JWT' with the Cognito authorizer (or AWS_IAM/CUSTOM).",
    types={HTTP_ROUTE},
    validate=_check_route_authorized,
    tags=["authentication"],
)

POLICIES = [table_pitr, table_cmk, table_deletion_protection, function_tracing,
            function_concurrency_or_dlq, function_no_plaintext_secrets, function_url_auth,
            permission_service_scoped, profile_validated, environment_monitored, route_authorized]
