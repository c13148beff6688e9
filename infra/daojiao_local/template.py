"""Read the SAM template the way CloudFormation would, so the local cloud deploys the same stack.

The local runtime must not keep a second description of the stack: tables, functions and state
machines come from ``template.yaml`` itself. This module parses CloudFormation's YAML dialect
(short-form tags such as ``!Ref`` and ``!GetAtt``) into the long JSON forms, and resolves the
intrinsic functions the stack uses once the local resources have names and ARNs.

Only PyYAML is needed: cfn-lint's decoder does the same job but is a development dependency and
slow to import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FUNCTION_TYPE = "AWS::Serverless::Function"
TABLE_TYPE = "AWS::DynamoDB::Table"
STATE_MACHINE_TYPE = "AWS::Serverless::StateMachine"


class TemplateError(ValueError):
    """The template uses something the local cloud cannot honour, or refers to nothing."""


# --- parsing ------------------------------------------------------------------------------


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that understands CloudFormation's short-form tags."""


# CloudFormation reads an unquoted 2010-09-09 as a string; YAML 1.1 would make it a date.
_CfnLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# Tags whose long form is not simply "Fn::<Tag>".
_SPECIAL_TAGS = {"Ref": "Ref", "Condition": "Condition"}


def _construct_tag(loader: _CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]

    if tag_suffix == "GetAtt" and isinstance(value, str):
        # "Resource.Attribute", where the attribute itself may contain dots.
        resource, _, attribute = value.partition(".")
        if not attribute:
            raise TemplateError(f"!GetAtt {value!r} has no attribute")
        value = [resource, attribute]

    key = _SPECIAL_TAGS.get(tag_suffix, f"Fn::{tag_suffix}")
    return {key: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path | str) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML template into plain dicts with long-form intrinsics."""
    with open(path, encoding="utf-8") as stream:
        template = yaml.load(
            stream, Loader=_CfnLoader
        )  # a SafeLoader subclass: no arbitrary objects
    if not isinstance(template, dict) or "Resources" not in template:
        raise TemplateError(f"{path} is not a CloudFormation template (no Resources)")
    return template


# --- resolving intrinsic functions -------------------------------------------------------

_NO_VALUE = object()
_SUB_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


@dataclass
class Resolver:
    """Evaluates intrinsic functions against the values the local deployment produced.

    ``refs`` maps a logical id (parameter or resource) to what ``Ref`` returns; ``attributes``
    maps ``(logical_id, attribute)`` to what ``Fn::GetAtt`` returns. Anything else is an error,
    raised rather than guessed so that a template change the local cloud cannot follow shows up
    at deploy time.
    """

    refs: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    region: str = "us-east-1"
    account_id: str = "123456789012"
    stack_name: str = "daojiao-local"
    conditions: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, value: Any) -> Any:
        return self.resolve(value)

    def resolve(self, value: Any) -> Any:
        resolved = self._resolve(value)
        return None if resolved is _NO_VALUE else resolved

    def _pseudo(self) -> dict[str, str]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack_name,
            "AWS::StackId": (
                f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/"
                f"{self.stack_name}/00000000-0000-0000-0000-000000000000"
            ),
        }

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        pseudo = self._pseudo()
        if name in pseudo:
            return pseudo[name]
        if name in self.refs:
            return self.refs[name]
        raise TemplateError(f"cannot resolve Ref {name!r}: not deployed locally")

    def _get_att(self, resource: str, attribute: str) -> str:
        try:
            return self.attributes[(resource, attribute)]
        except KeyError:
            raise TemplateError(
                f"cannot resolve Fn::GetAtt {resource}.{attribute}: not deployed locally"
            ) from None

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, str):
            text, variables = argument, {}
        else:
            text, raw_variables = argument
            variables = {name: self._resolve(v) for name, v in raw_variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                resource, _, attribute = name.partition(".")
                return self._get_att(resource, attribute)
            return str(self._ref(name))

        return _SUB_PLACEHOLDER.sub(replace, text)

    def _condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise TemplateError(f"unknown condition {name!r}")
        return bool(self._resolve(self.conditions[name]))

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self._resolve(item) for item in value]
            return [item for item in items if item is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            handler = self._functions().get(key)
            if handler is not None:
                return handler(argument)
            if key.startswith("Fn::"):
                raise TemplateError(f"{key} is not supported by the local cloud")
        resolved = {key: self._resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not _NO_VALUE}

    def _functions(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": self._ref,
            "Fn::GetAtt": lambda arg: self._get_att(*self._resolve(arg)),
            "Fn::Sub": self._sub,
            "Fn::Join": lambda arg: str(arg[0]).join(str(x) for x in self._resolve(arg[1])),
            "Fn::Select": lambda arg: self._resolve(arg[1])[int(self._resolve(arg[0]))],
            "Fn::Split": lambda arg: str(self._resolve(arg[1])).split(arg[0]),
            "Fn::If": lambda arg: self._resolve(arg[1] if self._condition(arg[0]) else arg[2]),
            "Fn::Equals": lambda arg: self._resolve(arg[0]) == self._resolve(arg[1]),
            "Fn::Not": lambda arg: not self._resolve(arg[0]),
            "Fn::And": lambda arg: all(self._resolve(x) for x in arg),
            "Fn::Or": lambda arg: any(self._resolve(x) for x in arg),
            "Condition": self._condition,
        }


def as_environment_value(value: Any) -> str:
    """Lambda environment values are strings; CloudFormation writes booleans in lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- the stack's pieces ------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionSpec:
    """One ``AWS::Serverless::Function``, with ``Globals.Function`` already applied."""

    logical_id: str
    handler_module: str  # "intake_check", or "pkg.sub" / "pkg/sub" for nested modules
    handler_attr: str
    code_uri: str  # relative to the template's folder, as written in the template
    environment: dict[str, Any]
    runtime: str = "python3.11"
    timeout: int = 3
    memory_size: int = 128


@dataclass(frozen=True)
class StateMachineSpec:
    """One ``AWS::Serverless::StateMachine``: where its definition is and what to substitute."""

    logical_id: str
    name: str
    definition_uri: str | None
    definition: dict[str, Any] | None
    definition_substitutions: dict[str, Any]
    type: str = "STANDARD"


def _resources(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == resource_type
    }


def parameters(template: Mapping[str, Any]) -> dict[str, str | None]:
    """Each template parameter with its default as a string (None when it has no default)."""
    return {
        name: None if spec.get("Default") is None else as_environment_value(spec["Default"])
        for name, spec in (template.get("Parameters") or {}).items()
    }


def resolve_parameters(
    template: Mapping[str, Any], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Defaults overridden by ``overrides``, checked as CloudFormation would check them."""
    overrides = dict(overrides or {})
    declared = template.get("Parameters") or {}
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise TemplateError(f"parameter overrides name no template parameter: {unknown}")

    values: dict[str, str] = {}
    for name, default in parameters(template).items():
        value = overrides.get(name, default)
        if value is None:
            raise TemplateError(f"parameter {name} has no default and no override")
        value = as_environment_value(value)
        allowed = declared[name].get("AllowedValues")
        if allowed is not None and value not in [as_environment_value(a) for a in allowed]:
            raise TemplateError(f"parameter {name}={value!r} is not one of {allowed}")
        pattern = declared[name].get("AllowedPattern")
        if pattern is not None and not re.fullmatch(pattern, value):
            raise TemplateError(f"parameter {name}={value!r} does not match {pattern!r}")
        values[name] = value
    return values


def functions(
    template: Mapping[str, Any], resolver: Callable[[Any], Any] | None = None
) -> dict[str, FunctionSpec]:
    """Every serverless function, merged with ``Globals.Function`` the way SAM merges them.

    Scalars (Handler, CodeUri, Timeout, ...) from the function win over the globals; environment
    variables are merged key by key. With a ``resolver`` the environment values are resolved to
    strings; without one they are left as written (possibly ``{"Ref": ...}``).
    """
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    specs: dict[str, FunctionSpec] = {}
    for logical_id, resource in _resources(template, FUNCTION_TYPE).items():
        properties = resource.get("Properties") or {}

        def prop(name: str, default: Any = None, _props: dict = properties) -> Any:
            return _props.get(name, globals_.get(name, default))

        handler = prop("Handler")
        if not isinstance(handler, str) or "." not in handler:
            raise TemplateError(f"{logical_id}: Handler must look like 'module.function'")
        module, _, attr = handler.rpartition(".")

        code_uri = prop("CodeUri", ".")
        if not isinstance(code_uri, str):
            raise TemplateError(f"{logical_id}: only a local folder CodeUri is supported")

        environment = {
            **((globals_.get("Environment") or {}).get("Variables") or {}),
            **((properties.get("Environment") or {}).get("Variables") or {}),
        }
        if resolver is not None:
            environment = {
                name: as_environment_value(resolver(value)) for name, value in environment.items()
            }

        specs[logical_id] = FunctionSpec(
            logical_id=logical_id,
            handler_module=module,
            handler_attr=attr,
            code_uri=code_uri,
            environment=environment,
            runtime=prop("Runtime", "python3.11"),
            timeout=int(prop("Timeout", 3)),
            memory_size=int(prop("MemorySize", 128)),
        )
    return specs


def tables(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The properties of every DynamoDB table, keyed by logical id."""
    return {
        logical_id: dict(resource.get("Properties") or {})
        for logical_id, resource in _resources(template, TABLE_TYPE).items()
    }


def state_machines(template: Mapping[str, Any]) -> dict[str, StateMachineSpec]:
    """Every serverless state machine with its definition source and substitutions."""
    specs: dict[str, StateMachineSpec] = {}
    for logical_id, resource in _resources(template, STATE_MACHINE_TYPE).items():
        properties = resource.get("Properties") or {}
        definition_uri = properties.get("DefinitionUri")
        definition = properties.get("Definition")
        if definition_uri is not None and not isinstance(definition_uri, str):
            raise TemplateError(f"{logical_id}: only a local file DefinitionUri is supported")
        if definition_uri is None and definition is None:
            raise TemplateError(f"{logical_id}: neither DefinitionUri nor Definition is given")
        specs[logical_id] = StateMachineSpec(
            logical_id=logical_id,
            name=properties.get("Name") or logical_id,
            definition_uri=definition_uri,
            definition=definition,
            definition_substitutions=dict(properties.get("DefinitionSubstitutions") or {}),
            type=properties.get("Type", "STANDARD"),
        )
    return specs
