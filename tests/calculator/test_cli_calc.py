"""The calculator's commands: `calc` (file or stdin → response JSON) and `standards load`."""

import io
import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from daojiao.cli_calc import calc_command, standards_load_command

TWO_VEHICLES = {
    "accident_date": "2023-11-20",
    "region": "guangdong",
    "standards_year": 2023,
    "victims": [{
        "id": "v1", "age": 40, "residence": "urban", "outcome": "injury",
        "lost_income": {"daily": 500, "days": 200},
        "nursing": {"daily": 250, "days": 200, "carers": 1},
    }],
    "vehicles": [
        {"id": "A", "compulsory_insured": True, "at_fault": True, "liability": 1.0,
         "commercial_limit": 500000},
        {"id": "B", "compulsory_insured": True, "at_fault": False, "liability": 0.0,
         "commercial_limit": 500000},
    ],
}


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield boto3.resource("dynamodb").create_table(
            TableName="daojiao-test",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )


def write(tmp_path: Path, document, name: str = "doc.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_calc_prints_exact_amounts_and_returns_0(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    assert calc_command(write(tmp_path, TWO_VEHICLES)) == 0
    out = capsys.readouterr().out
    # 150,000 × 180,000 ÷ 198,000 = 136,363.636… → 136,363.64, written as a number
    assert '"amount": 136363.64' in out
    assert '"total": 150000.00' in out
    assert json.loads(out)["victims"][0]["id"] == "v1"


def test_calc_reads_stdin_when_the_path_is_a_dash(capsys, monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(TWO_VEHICLES)))
    assert calc_command("-") == 0
    assert '"amount": 13636.36' in capsys.readouterr().out


def test_calc_prints_the_problems_and_returns_2(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    bad = {**TWO_VEHICLES, "region": "atlantis"}
    assert calc_command(write(tmp_path, bad)) == 2
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [e["path"] for e in errors] == ["region"]


def test_calc_reports_a_file_that_is_not_json(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    assert calc_command(str(path)) == 2
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert errors[0]["message"].startswith("not valid JSON")


def test_calc_reports_a_missing_file(tmp_path, capsys):
    assert calc_command(str(tmp_path / "nowhere.json")) == 2
    assert "cannot read" in json.loads(capsys.readouterr().out)["errors"][0]["message"]


def test_calc_uses_the_table_named_by_the_environment(aws, tmp_path, capsys, monkeypatch):
    # An administrator loads Hainan 2023 (test figures); calc then finds it through the table.
    # 40,000 × 20 years × 10 % (grade 10) = 80,000.00
    standard = {"region": "hainan", "year": 2023, "source": "test", "urban_income": 40000,
                "urban_consumption": 28000}
    assert standards_load_command(write(tmp_path, standard, "std.json"), aws) == 0
    capsys.readouterr()

    monkeypatch.setenv("TABLE_NAME", "daojiao-test")
    request = {
        "accident_date": "2024-06-01", "region": "hainan",
        "victims": [{"id": "v1", "age": 30, "outcome": "disability", "disability_grades": [10]}],
    }
    assert calc_command(write(tmp_path, request)) == 0
    assert '"disability": 80000.00' in capsys.readouterr().out


def test_standards_load_stores_a_list_of_standards(aws, tmp_path, capsys):
    standards = [
        {"region": "hainan", "year": 2023, "source": "test", "urban_income": "40000",
         "urban_consumption": 28000.5},
        {"region": "hainan", "year": 2024, "source": "test", "urban_income": 41000,
         "urban_consumption": 29000, "meal_allowance": 80},
    ]
    assert standards_load_command(write(tmp_path, standards), aws) == 0
    loaded = json.loads(capsys.readouterr().out)["loaded"]
    assert [(s["region"], s["year"]) for s in loaded] == [("hainan", 2023), ("hainan", 2024)]
    item = aws.get_item(Key={"pk": "STANDARDS#hainan", "sk": "YEAR#2023"})["Item"]
    assert json.loads(item["data"])["urban_consumption"] == "28000.5"


def test_standards_load_refuses_a_bad_file_and_stores_nothing(aws, tmp_path, capsys):
    standards = [
        {"region": "hainan", "year": 2023, "source": "test", "urban_income": 40000,
         "urban_consumption": 28000},
        {"region": "hainan", "year": 2024, "source": "test", "urban_income": -1,
         "urban_consumption": 29000, "colour": "red"},
        {"region": "hainan", "year": 2023, "source": "again", "urban_income": 40000,
         "urban_consumption": 28000},
    ]
    assert standards_load_command(write(tmp_path, standards), aws) == 2
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [e["path"] for e in errors] == ["[1].urban_income", "[1].colour", "[2]"]
    assert "given twice" in errors[2]["message"]
    assert aws.scan()["Count"] == 0  # (the test may scan; the adapter never does)


def test_standards_load_names_the_missing_field_of_a_single_standard(aws, tmp_path, capsys):
    standard = {"region": "hainan", "year": 2023, "source": "test", "urban_income": 40000}
    assert standards_load_command(write(tmp_path, standard), aws) == 2
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert errors == [{"path": "urban_consumption", "message": "required field is missing",
                       "zh": "缺少必填项"}]


def test_standards_load_refuses_an_empty_list(aws, tmp_path, capsys):
    assert standards_load_command(write(tmp_path, []), aws) == 2
    assert json.loads(capsys.readouterr().out)["errors"][0]["path"] == "standard"
