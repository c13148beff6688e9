"""Run the daojiao stack of template.yaml on one machine, with no AWS account and no Docker.

``LocalCloud`` deploys the template into moto (Step Functions, Lambda, IAM) and runs the real
handlers in this process; ``DynamoDBLocal`` keeps the table on disk so cases survive restarts.
"""

from .cloud import Deployment, LambdaContext, LocalCloud, LocalCloudError, install_lambda_runner
from .dynamodb_local import DynamoDBLocal, DynamoDBLocalError
from .template import (
    FunctionSpec,
    Resolver,
    StateMachineSpec,
    TemplateError,
    functions,
    load_template,
    parameters,
    resolve_parameters,
    state_machines,
    tables,
)

__all__ = [
    "Deployment",
    "DynamoDBLocal",
    "DynamoDBLocalError",
    "FunctionSpec",
    "LambdaContext",
    "LocalCloud",
    "LocalCloudError",
    "Resolver",
    "StateMachineSpec",
    "TemplateError",
    "functions",
    "install_lambda_runner",
    "load_template",
    "parameters",
    "resolve_parameters",
    "state_machines",
    "tables",
]
