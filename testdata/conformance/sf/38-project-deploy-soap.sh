#!/usr/bin/env bash
# sf project deploy start over SOAP, sf's default (Metadata API deploy() and
# checkDeployStatus() at /services/Soap/m/66.0; lib/project-deploy.sh): --dry-run, a deploy
# read back, a failed deploy.
. "$(dirname "$0")/../lib/sf.sh"
. "$LIB/project-deploy.sh" soap
