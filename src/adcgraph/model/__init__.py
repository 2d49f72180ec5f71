"""Learned ranking of ADC partners: metapath features, a fitted logistic model, validation.

* :mod:`adcgraph.model.features`: the metapaths (curated claims and strategies, the reference
  layer's targets, pathways, families and indications, payload-class complementarity) and
  their permutation-adjusted DWPC features for every candidate drug;
* :mod:`adcgraph.model.training`: the curated ADC-partner pairs with clinical data, each with
  its direct links removed, and an L2-regularised logistic regression on them (Himmelstein
  et al. 2017, eLife 6:e26726, "Rephetio");
* :mod:`adcgraph.model.validate`: `adcgraph validate PAIRS.tsv` (leave-pair-out ranks,
  hit@k, MRR, AUROC beside degree and same-disease baselines).
"""
