from pathlib import Path

import yaml
from prefect.flows import load_flow_from_entrypoint

REPO = Path(__file__).resolve().parents[2]


def test_prefect_yaml_points_at_the_flow_with_valid_parameters():
    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())
    [deployment] = spec["deployments"]
    path, name = deployment["entrypoint"].split(":")
    flow = load_flow_from_entrypoint(str(REPO / path) + ":" + name)
    assert flow.name == "claims-run"
    flow.validate_parameters(deployment["parameters"])  # raises on unknown or mistyped parameters
    assert (REPO / deployment["parameters"]["sources"][0]).is_dir()
