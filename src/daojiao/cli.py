"""The `daojiao` command: run the local product, drive scenarios, calculate, load standards."""

import argparse
import json
import os
import sys
from pathlib import Path


def _runtime_environment(data_dir: Path) -> None:
    """Points boto3 at the running local product, unless the environment already says where."""
    runtime = data_dir / "runtime.json"
    if "TABLE_NAME" in os.environ or not runtime.exists():
        return
    info = json.loads(runtime.read_text())
    os.environ.update({"TABLE_NAME": info["table_name"],
                       "AWS_ENDPOINT_URL_DYNAMODB": info["dynamodb_endpoint"],
                       "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                       "AWS_DEFAULT_REGION": "us-east-1"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="daojiao", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the whole product on this machine")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--data", type=Path, default=Path(".local"),
                       help="where cases are kept between runs (default .local)")
    serve.add_argument("--fast", action="store_true",
                       help="decision periods of minutes instead of legal days, for a demo")

    scenario = commands.add_parser("scenario", help="drive scenario files through the product")
    scenario.add_argument("files", nargs="+")
    scenario.add_argument("--url", help="a running product; without it a throwaway one")

    calc = commands.add_parser("calc", help="the compensation calculator on a JSON request")
    calc.add_argument("file", help="request file, or - for standard input")

    standards = commands.add_parser("standards", help="yearly regional standards")
    standards_commands = standards.add_subparsers(dest="action", required=True)
    load = standards_commands.add_parser("load", help="load a standards file into DynamoDB")
    load.add_argument("file")
    load.add_argument("--data", type=Path, default=Path(".local"))

    args = parser.parse_args(argv)
    if args.command == "serve":
        from daojiao_local.serve import serve as run

        return run(args.host, args.port, args.data.resolve(), args.fast)
    if args.command == "scenario":
        from daojiao.scenario import scenario_command

        return scenario_command(args.files, args.url)
    if args.command == "calc":
        from daojiao.cli_calc import calc_command

        return calc_command(args.file)
    _runtime_environment(args.data)
    if "TABLE_NAME" not in os.environ:
        print("no running product found: start it with `daojiao serve`, or set TABLE_NAME",
              file=sys.stderr)
        return 2
    import boto3

    from daojiao.cli_calc import standards_load_command

    return standards_load_command(args.file, boto3.resource("dynamodb").Table(
        os.environ["TABLE_NAME"]))


if __name__ == "__main__":
    sys.exit(main())
