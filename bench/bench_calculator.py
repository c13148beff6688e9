"""Calculations per second over a few thousand mixed requests (not a test).

Run: .venv/bin/python bench/bench_calculator.py [count]
"""

import datetime as dt
import random
import sys
import time

from daojiao.calculator import ShippedStandards, calculate, to_json

TODAY = dt.date(2025, 6, 1)
REGIONS = {
    "national": 2024, "beijing": 2023, "jiangsu": 2023, "guangdong": 2023, "zhejiang": 2020,
}


def mixed_request(rng: random.Random) -> dict:
    """One request: 1–3 victims of every outcome, 1–3 vehicles, dates from 2015 to 2025."""
    region = rng.choice(sorted(REGIONS))
    victims = []
    for k in range(rng.choice([1, 1, 1, 2, 3])):
        outcome = rng.choice(["injury", "injury", "disability", "death"])
        victim = {
            "id": f"v{k}", "age": rng.randint(1, 90), "residence": rng.choice(["urban", "rural"]),
            "outcome": outcome, "hospital_days": rng.randint(0, 60),
            "medical": round(rng.uniform(0, 200000), 2), "nutrition": rng.randint(0, 3000),
            "transport": round(rng.uniform(0, 2000), 2), "property": rng.randint(0, 30000),
            "emotional_distress": rng.choice([0, 5000, 20000, 50000]),
            "lost_income": {"annual": rng.randint(30000, 200000), "days": rng.randint(0, 300)},
            "nursing": {"daily": rng.randint(100, 300), "days": rng.randint(0, 90)},
        }
        if outcome == "disability":
            victim["disability_grades"] = sorted(rng.sample(range(1, 11), rng.randint(1, 3)))
        if outcome != "injury":
            victim["dependants"] = [
                {"age": rng.randint(0, 85), "supporters": rng.randint(1, 3)}
                for _ in range(rng.randint(0, 3))
            ]
        victims.append(victim)

    liabilities = rng.choice([[1.0], [0.7], [0.7, 0.3], [0.5, 0.5], [1.0, 0.0], [0.6, 0.3, 0.1]])
    vehicles = [
        {"id": chr(65 + k), "compulsory_insured": rng.random() > 0.1, "at_fault": share > 0,
         "liability": share, "commercial_limit": rng.choice([0, 500000, 1000000, 3000000])}
        for k, share in enumerate(liabilities)
    ]
    accident = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3800))
    return {
        "accident_date": accident.isoformat(),
        "region": region,
        "standards_year": REGIONS[region],
        "standards": {"rural_income": 21000, "rural_consumption": 18000,
                      "average_wage": 110000, "meal_allowance": 100},
        "victims": victims,
        "vehicles": vehicles,
    }


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rng = random.Random(20240402)
    requests = [mixed_request(rng) for _ in range(count)]
    catalog = ShippedStandards()
    calculate(requests[0], catalog, TODAY)  # warm-up: data files, pydantic schemas

    started = time.perf_counter()
    responses = [calculate(request, catalog, TODAY) for request in requests]
    computed = time.perf_counter() - started

    started = time.perf_counter()
    for response in responses:
        to_json(response)
    written = time.perf_counter() - started

    victims = sum(len(r["victims"]) for r in requests)
    print(f"requests: {count} ({victims} victims)")
    print(f"calculate: {computed:.3f} s, {count / computed:,.0f} calculations/s, "
          f"{computed / count * 1000:.3f} ms each")
    print(f"to_json:   {written:.3f} s, {count / written:,.0f} responses/s")


if __name__ == "__main__":
    main()
