// Package contract holds the live-org contract suite's recorder and its
// replay (docs/contract.md). The suite itself is the package's tests behind
// the build tag "contract" (make contract): the built-in profiles applied,
// re-applied and removed, and the emulator's provisioning rules exercised
// directly, against the org SFPROV_CONTRACT_ORG names or, without it, a
// fresh `sfprov emulator serve`.
//
// A recording is a directory of fixtures in the format of
// internal/emulator/testdata/fixtures (one response body a file) with an
// index.json of the requests and statuses that produced them, and an
// INDEX.md for people. Everything in it is scrubbed (Scrubber): no token,
// secret, org-specific Id, username or org name is written. Replay sends a
// recording's requests to another org, an emulator, and names every answer
// whose keys, types or fixed wording differ.
package contract
