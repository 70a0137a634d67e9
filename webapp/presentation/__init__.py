"""What a run looks like to a person: the API's JSON report, the worksheet's tables, the graph's
drawing, the chart's figure and the page's data, all walked from the engine's graph."""
