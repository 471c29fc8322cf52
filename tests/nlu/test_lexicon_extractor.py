from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.lexicon_extractor import LexiconEntityExtractor


def _trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("lexicon")
    component = LexiconEntityExtractor.create({}, storage, resource, ExecutionContext(None))
    data = TrainingData(lookup_tables=[
        {"name": "need_housing", "elements": ["landlord", "evicted"]},
        {"name": "strength_music", "elements": ["guitar"]},
        {"name": "not_ours", "elements": ["ignored"]},
    ])
    component.train(data)
    return storage, resource


def test_trained_component_adds_need_and_strength_entities(tmp_path):
    storage, resource = _trained(tmp_path)
    component = LexiconEntityExtractor.load({}, storage, resource, ExecutionContext(None))
    message = Message(data={"text": "my landlord hates my guitar"})
    component.process([message])
    found = {(e["entity"], e["value"]) for e in message.get("entities")}
    assert found == {("need", "housing"), ("strength", "music")}
    assert all(e["extractor"] == "LexiconEntityExtractor" for e in message.get("entities"))


def test_word_lists_travel_inside_the_model(tmp_path):
    storage, resource = _trained(tmp_path)
    with storage.read_from(resource) as path:
        assert "landlord" in (path / "lexicon.json").read_text()


def test_empty_message_adds_nothing(tmp_path):
    storage, resource = _trained(tmp_path)
    component = LexiconEntityExtractor.load({}, storage, resource, ExecutionContext(None))
    message = Message(data={"text": ""})
    component.process([message])
    assert message.get("entities") == []
