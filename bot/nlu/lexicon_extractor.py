"""A Rasa NLU component that adds ``need`` and ``strength`` entities with our stable codes.

It learns its word lists from the training data's lookup tables (``need_<code>``,
``strength_<code>`` in ``data/nlu/lookups``), stores them inside the model, and so the live
assistant, ``bot analyse`` and a retrain after a word-list edit all agree.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.lexicon import KINDS, Lexicon, LexiconError

_FILE = "lexicon.json"


def _tables_from_training_data(training_data: TrainingData) -> dict[str, dict[str, list[str]]]:
    tables: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}
    for table in training_data.lookup_tables:
        name = table.get("name", "")
        kind, _, code = name.partition("_")
        if kind not in KINDS:
            continue
        if code not in KINDS[kind]:
            raise LexiconError(f"lookup '{name}' names an unknown {kind} code '{code}'")
        elements = table.get("elements", [])
        if isinstance(elements, str):  # a lookup file path is not used by this project
            continue
        tables[kind].setdefault(code, []).extend(str(e).strip().lower() for e in elements if str(e).strip())
    return tables


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LexiconEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds needs and strengths by phrase matching and adds them as entities."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 tables: dict[str, dict[str, list[str]]] | None = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._tables = tables or {kind: {} for kind in KINDS}
        self._lexicon = Lexicon(self._tables)

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LexiconEntityExtractor:
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LexiconEntityExtractor:
        try:
            with model_storage.read_from(resource) as path:
                tables = json.loads((path / _FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            tables = None
        return cls(model_storage, resource, tables)

    def train(self, training_data: TrainingData) -> Resource:
        self._tables = _tables_from_training_data(training_data)
        self._lexicon = Lexicon(self._tables)
        with self._model_storage.write_to(self._resource) as path:
            (path / _FILE).write_text(json.dumps(self._tables, sort_keys=True), encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = [
                {
                    "entity": match.kind,
                    "value": match.code,
                    "start": match.start,
                    "end": match.end,
                    "confidence_entity": 1.0,
                }
                for match in self._lexicon.matches(message.get(TEXT) or "")
            ]
            entities = self.add_extractor_name(entities)
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
