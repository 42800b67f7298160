"""The graph schema: node types, edge types and the records that cross module boundaries.

The same schema is written as OWL in `ontology/kg.ttl`; a test keeps the two in step.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class NodeType(StrEnum):
    PAPER = "Paper"
    METHOD = "Method"
    MODEL = "Model"
    DATASET = "Dataset"
    HARDWARE = "Hardware"
    METRIC = "Metric"
    TASK = "Task"
    RESULT = "Result"
    COMPARISON = "Comparison"
    REPOSITORY = "Repository"


ENTITY_TYPES: tuple[NodeType, ...] = (
    NodeType.METHOD,
    NodeType.MODEL,
    NodeType.DATASET,
    NodeType.HARDWARE,
    NodeType.METRIC,
    NodeType.TASK,
)


# what a paper claims, one node per claim: details of their paper, not links between papers
CLAIM_TYPES: tuple[NodeType, ...] = (NodeType.RESULT, NodeType.COMPARISON)


class Role(StrEnum):
    """Paper -> entity edge types: what an entity is for the paper."""

    PROPOSES = "PROPOSES"
    USES = "USES"
    COMPARES_WITH = "COMPARES_WITH"
    EVALUATED_ON = "EVALUATED_ON"
    RUNS_ON = "RUNS_ON"
    MEASURES = "MEASURES"
    ADDRESSES = "ADDRESSES"
    MENTIONS = "MENTIONS"


# the roles whose target's type they imply: a paper addresses a task, is evaluated on a dataset, ...
ROLE_OF_TYPE = {
    NodeType.DATASET: Role.EVALUATED_ON,
    NodeType.HARDWARE: Role.RUNS_ON,
    NodeType.METRIC: Role.MEASURES,
    NodeType.TASK: Role.ADDRESSES,
}


class EdgeType(StrEnum):
    """Edge types that are not roles."""

    REPORTS = "REPORTS"  # Paper -> Result
    HAS_CODE = "HAS_CODE"  # Paper -> Repository
    SUBJECT = "SUBJECT"  # Result -> entity the number is about
    METRIC = "METRIC"  # Result -> Metric
    DATASET = "DATASET"  # Result or Comparison -> Dataset
    HARDWARE = "HARDWARE"  # Result -> Hardware
    BASELINE = "BASELINE"  # Result or Comparison -> entity it is compared with
    STATES = "STATES"  # Paper -> Comparison
    CHALLENGER = "CHALLENGER"  # Comparison -> the entity compared against the baseline
    BROADER = "BROADER"  # entity -> its family (llama-2-7b -> llama-2)


class Paper(BaseModel):
    """One paper listing, as every reader yields it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="arXiv id when known, else a slug of the title")
    title: str
    abstract: str
    published: str | None = None
    listing_date: str | None = None
    authors: list[str] = Field(default_factory=list)
    url: str | None = None
    code_url: str | None = None
    source: str = Field(default="", description="file and line or record the paper came from")


class Span(BaseModel):
    """Where a mention stands: the field, the sentence and the character offsets in the field."""

    model_config = ConfigDict(frozen=True)

    field: str = "abstract"
    start: int
    end: int
    sentence: str
    sentence_start: int


class Mention(BaseModel):
    """One entity named in one paper, with every place it is named and the roles it plays."""

    type: NodeType
    name: str
    key: str = Field(description="resolution key: the vocabulary id, or the normalized name")
    aliases: list[str] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)
    in_vocabulary: bool = False
    broader: list[str] = Field(default_factory=list, description="vocabulary ids of the families")


class ResultClaim(BaseModel):
    """A number the paper reports, with what it is about."""

    value: float
    unit: str | None = None
    metric: str | None = None
    metric_key: str | None = None
    subject: str | None = Field(default=None, description="key of the subject mention")
    dataset: str | None = None
    hardware: str | None = None
    baseline: str | None = None
    change: bool = Field(default=False, description="a change (`by 5%`), not a level (`85% accuracy`)")
    text: str
    span: Span


class ComparisonClaim(BaseModel):
    """One sentence comparing two named things: `X outperforms Y on D`."""

    challenger: str = Field(description="key of the mention compared against the baseline")
    baseline: str
    dataset: str | None = None
    text: str = Field(description="the words from the challenger (or the sentence's subject) to the baseline")
    span: Span


class PaperExtraction(BaseModel):
    """Everything extraction finds in one paper: the input of resolution."""

    paper: Paper
    mentions: list[Mention] = Field(default_factory=list)
    results: list[ResultClaim] = Field(default_factory=list)
    comparisons: list[ComparisonClaim] = Field(default_factory=list)
    code_urls: list[str] = Field(default_factory=list)
