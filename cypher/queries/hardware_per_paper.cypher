// The hardware each paper runs on.
MATCH (p:Paper)-[:RUNS_ON]->(h:Hardware)
RETURN p.title AS title, h.name AS hardware
ORDER BY title, hardware;
