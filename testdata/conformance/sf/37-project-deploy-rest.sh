#!/usr/bin/env bash
# sf project deploy start over the Metadata REST resource (SF_ORG_METADATA_REST_DEPLOY=true;
# lib/project-deploy.sh): --dry-run, a deploy read back, a failed deploy.
. "$(dirname "$0")/../lib/sf.sh"
. "$LIB/project-deploy.sh" rest
