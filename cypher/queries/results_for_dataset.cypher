// Results reported on a dataset (and, if $metric is not empty, for one metric), highest first.
// Parameters: $dataset, $metric.
MATCH (d:Dataset)
WHERE toLower(d.name) = toLower($dataset) OR any(a IN d.aliases WHERE toLower(a) = toLower($dataset))
MATCH (p:Paper)-[:REPORTS]->(r:Result)-[:DATASET]->(d)
WHERE $metric = '' OR toLower(coalesce(r.metric, '')) = toLower($metric)
OPTIONAL MATCH (r)-[:SUBJECT]->(s)
RETURN p.title AS title, s.name AS subjectName, r.metric AS metricName, r.value AS value, r.unit AS unit, r.text AS text
ORDER BY value DESC, title;
