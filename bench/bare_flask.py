"""The baseline for the benches that run under gunicorn: a bare Flask "hello"."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
