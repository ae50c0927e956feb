"""The codec's declared interface: both twins of each topic export the same names and signatures, and the facade
(`exabgp._codec`) exports exactly those names, bound to the chosen twin's own objects.

A signature is compared by what both twins can show: the parameters' names, kinds (positional, keyword, ...) and
default values, in order.  The annotations are not compared: the compiled functions (Cython, built with
``binding=True`` by setup.py, so `inspect.signature` reads them) expose no annotations, the pure twins do, and
those are what a type checker sees through the facade.  The exported constants (``MARKER``, ``KIND_*``) are
compared by value.
"""

import importlib
import inspect

import pytest

import exabgp._codec

#: the codec topics, each a pair of twins
TOPICS = exabgp._codec.TOPICS


def twin(topic: str, implementation: str):
    return importlib.import_module(f"exabgp._codec._{topic}_{implementation}")


def shape(function) -> list:
    """What both twins expose of a function's signature: (name, kind, default) of each parameter."""
    return [
        (parameter.name, parameter.kind, parameter.default)
        for parameter in inspect.signature(function).parameters.values()
    ]


@pytest.mark.parametrize("topic", TOPICS)
def test_twins_export_the_same_names(topic, compiled_codec):
    compiled, pure = twin(topic, "c"), twin(topic, "py")
    assert sorted(compiled.__all__) == sorted(pure.__all__)
    for name in pure.__all__:  # every name listed is there
        assert hasattr(compiled, name) and hasattr(pure, name), name


@pytest.mark.parametrize("topic", TOPICS)
def test_twins_have_the_same_signatures_and_constants(topic, compiled_codec):
    compiled, pure = twin(topic, "c"), twin(topic, "py")
    for name in pure.__all__:
        mine, theirs = getattr(compiled, name), getattr(pure, name)
        if callable(theirs):
            assert callable(mine), name
            assert shape(mine) == shape(theirs), f"{topic}.{name}"
        else:
            assert type(mine) is type(theirs) and mine == theirs, f"{topic}.{name}"


def test_compiled_signatures_are_readable(compiled_codec):
    """The compiled functions carry their signatures (``binding=True``): the comparison above is not vacuous."""
    signature = inspect.signature(twin("wire", "c").split_messages)
    assert list(signature.parameters) == ["data", "max_size"]
    assert signature.parameters["max_size"].default == 4096


def test_the_facade_exports_every_name_of_the_chosen_twin_once():
    """`exabgp._codec` binds each name every topic exports to the chosen twin's object (no wrapper per call),
    and exports no codec function that is not a topic's."""
    implementation = exabgp._codec.IMPLEMENTATION
    exported = {}
    for topic in TOPICS:
        module = twin(topic, implementation)
        for name in module.__all__:
            assert name not in exported, f"{name} is exported by {exported.get(name)} and {topic}"
            exported[name] = topic
            assert getattr(exabgp._codec, name) is getattr(module, name), name
    own = {"CodecError", "IMPLEMENTATION", "SUMMARY", "BROKEN", "TOPICS", "load"}
    public = {
        name
        for name, value in vars(exabgp._codec).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name not in ("TYPE_CHECKING",)
    }
    assert public - own == set(exported)
