"""Tasks: loading the JSON task shape, checking examples against types, and reporting problems."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import shared_data
from induct.errors import TaskError
from induct.tasks import Example, convert_value, load_tasks, parse_tasks, tasks_to_json
from induct.types import parse_type


def _task(**fields):
    base = {"name": "t", "type": "list(int) -> int", "examples": [{"inputs": [[1, 2]], "output": 3}]}
    base.update(fields)
    return base


def test_shipped_task_sets_load_with_their_splits():
    lists = load_tasks("lists")
    assert len(lists) == 218
    assert sum(t.split == "train" for t in lists) == 109
    text = load_tasks("text", split="test")
    assert len(text) == 108 and all(t.split == "test" for t in text)
    assert len(load_tasks("lists", split=["test", "dropped_easy_test"])) == 109


def test_shipped_task_sets_equal_the_shared_benchmark_files():
    for shipped, shared in (("lists", "dreamcoder_list_tasks.json"), ("text", "dreamcoder_text_tasks.json")):
        assert load_tasks(shipped) == load_tasks(shared_data(shared))


def test_strings_typed_list_char_become_lists_of_characters():
    task = next(t for t in load_tasks("text") if t.name == "Append 2 strings (I)")
    example = task.examples[0]
    assert example.inputs == (list("Georgina"), list("2"))
    assert example.output == list("Georgina2")
    assert task.io_pairs[0] == ((list("Georgina"), list("2")), list("Georgina2"))


@pytest.mark.parametrize("task,words", [
    (_task(examples=[{"inputs": [[1, "x"]], "output": 1}]), ["task 't'", "example 0", "input 0", "expected an int"]),
    (_task(examples=[{"inputs": [[1]], "output": True}]), ["task 't'", "output", "expected an int, got True"]),
    (_task(examples=[{"inputs": [1], "output": 1}]), ["input 0", "expected a list"]),
    (_task(examples=[{"inputs": [[1], [2]], "output": 1}]), ["takes 1 input(s), example has 2"]),
    (_task(examples=[{"inputs": [[1]]}]), ["example 0", '"inputs"']),
    (_task(examples=[]), ["'examples' must be a non-empty list"]),
    (_task(type="list(int) ->"), ["bad type", "column"]),
    (_task(type=None), ["missing 'type'"]),
    (_task(split=["train"]), ["'split' must be a non-empty string"]),
    (_task(name=""), ["task #0", "missing 'name'"]),
    (_task(type="list(char) -> char", examples=[{"inputs": ["ab"], "output": "cd"}]), ["expected a character"]),
    (_task(type="bool -> bool", examples=[{"inputs": [1], "output": True}]), ["expected a bool"]),
])
def test_each_problem_names_its_task_and_place(task, words):
    with pytest.raises(TaskError) as info:
        parse_tasks({"tasks": [task]}, "file.json")
    message = str(info.value)
    assert message.startswith("file.json: ")
    for w in words:
        assert w in message, message


def test_duplicate_names_are_refused_within_a_split_only():
    with pytest.raises(TaskError, match="duplicate task name"):
        parse_tasks([_task(), _task()])
    assert len(parse_tasks([_task(), _task(split="test")])) == 2


def test_load_tasks_file_problems(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tasks": [')
    with pytest.raises(TaskError, match=r"bad\.json:1:\d+: not valid JSON"):
        load_tasks(bad)
    with pytest.raises(TaskError, match="not found"):
        load_tasks(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"tasks": [_task()]}))
    with pytest.raises(TaskError, match="no split holdout; splits are train"):
        load_tasks(good, split="holdout")


def test_type_variables_accept_any_value():
    assert convert_value([1, [2]], parse_type("list(t0)")) == [1, [2]]


int_lists = st.lists(st.integers(-50, 50), max_size=6)


@given(st.lists(st.tuples(int_lists, st.integers(-99, 99)), min_size=1, max_size=4),
       st.lists(st.tuples(st.text("abc ,.", max_size=8), st.text("xyz()", max_size=8)), min_size=1, max_size=4))
def test_tasks_round_trip_through_json(int_examples, text_examples):
    data = {"tasks": [
        {"name": "ints", "type": "list(int) -> int", "split": "train",
         "examples": [{"inputs": [xs], "output": y} for xs, y in int_examples]},
        {"name": "strings", "type": "list(char) -> list(char)", "split": "test",
         "examples": [{"inputs": [a], "output": b} for a, b in text_examples]},
    ]}
    tasks = parse_tasks(data)
    assert tasks[1].examples[0] == Example((list(text_examples[0][0]),), list(text_examples[0][1]))
    again = parse_tasks(json.loads(json.dumps(tasks_to_json(tasks))))
    assert again == tasks
    assert tasks_to_json(again)["tasks"] == data["tasks"]


def test_the_generative_regex_task_file_is_refused_with_its_reason():
    path = shared_data("dreamcoder_regex_tasks.json")
    with pytest.raises(TaskError, match="generative task") as info:
        load_tasks(path)
    assert "Data column" in str(info.value) and len(str(info.value).splitlines()) == 1
