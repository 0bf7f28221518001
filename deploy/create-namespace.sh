#!/bin/sh
# Creates the namespace and registers every custom search attribute of
# workflows/search_attributes.py (a test keeps this list and that module in step).
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
temporal operator namespace describe -n "$ns" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --retention 30d
for attribute in \
  MigrationStage=Keyword LosingOperator=Keyword SalesAgent=Keyword TechnicianId=Keyword \
  EscalationLevel=Int CustomerWithoutService=Bool NextDeadline=Datetime LineNumber=Keyword \
  OpenTickets=KeywordList Area=Keyword ExternalOrderId=Keyword OrderingCrm=Keyword \
  RulesLevel=Int OutgoingSwitch=Keyword
do
  name="${attribute%%=*}"; type="${attribute#*=}"
  temporal operator search-attribute create -n "$ns" --name "$name" --type "$type" || true
done
