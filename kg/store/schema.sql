-- graph.db: the query store `kg build` writes beside graph.json (SQLite, one file, no server).
-- Every node and edge of graph.json is a row; `data` holds its graph.json line as JSON, so
-- anything graph.json says can be asked with json_extract. The other columns are what
-- questions filter, join and rank on, precomputed at build time.

-- version, build (the id in graph.json's header), counts (nodes and edges by type, as JSON)
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE nodes (
    id      TEXT PRIMARY KEY,
    type    TEXT NOT NULL,
    name    TEXT NOT NULL,
    month   TEXT,                        -- papers: YYYY-MM of `published` (else `listing_date`)
    papers  INTEGER NOT NULL DEFAULT 0,  -- entities: papers linked to it
    degree  INTEGER NOT NULL DEFAULT 0,  -- edges in and out, as networkx counts them
    data    TEXT NOT NULL                -- the node's graph.json line
);

-- `kg.extract.text.norm` of each node's name and aliases (papers: of the title), so that
-- "llama 3", "Llama-3" and "LLaMA3" meet
CREATE TABLE names (
    key  TEXT NOT NULL,
    node TEXT NOT NULL,
    PRIMARY KEY (key, node)
) WITHOUT ROWID;

CREATE TABLE edges (
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    type   TEXT NOT NULL,
    data   TEXT NOT NULL                 -- the edge's graph.json line
);

-- PageRank's input: the links of `kg.queries.pagerank` (all edges but BROADER edges and
-- self-loops, undirected), as the rowids of their nodes
CREATE TABLE links (
    a INTEGER NOT NULL,
    b INTEGER NOT NULL
);

-- PageRank of entities (`node`: the rowid of its row in `nodes`)
CREATE TABLE rank (
    node     INTEGER NOT NULL,
    pagerank REAL NOT NULL
);

-- indexes: made once the rows are in (faster than keeping them up to date row by row)
CREATE INDEX nodes_papers ON nodes (papers, id);
CREATE INDEX nodes_type_papers ON nodes (type, papers, id);
CREATE INDEX nodes_degree ON nodes (degree, id);
CREATE INDEX nodes_type_degree ON nodes (type, degree, id);
CREATE INDEX nodes_type_month ON nodes (type, month);
CREATE INDEX rank_pagerank ON rank (pagerank);
CREATE INDEX edges_out ON edges (source, type, target);
CREATE INDEX edges_in ON edges (target, type, source);
