package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ReplayTarget is the org a recording is replayed against: an emulator, by
// its instance URL and a token it accepts.
type ReplayTarget struct {
	URL, Token string
	// Client sends the requests (nil = http.DefaultClient).
	Client *http.Client
	// PollWait is the pause between tries of a poll (default 100 ms), and
	// PollTries how many tries a poll gets (default 100).
	PollWait  time.Duration
	PollTries int
}

// Replay sends the recording's requests to t in order, placeholders replaced
// by the Ids t gave for the same records, and returns every answer that
// differs from its recording (compareAnswer). A run of identical reads (a
// deploy's or a group's status polled until it changes) is one poll: it is
// sent until its answer matches the run's last recorded one, or PollTries
// run out, since how many reads an org takes is no contract.
func Replay(ctx context.Context, rec *Recording, t ReplayTarget) ([]Difference, error) {
	if t.Client == nil {
		t.Client = http.DefaultClient
	}
	if t.PollWait <= 0 {
		t.PollWait = 100 * time.Millisecond
	}
	if t.PollTries <= 0 {
		t.PollTries = 100
	}
	b := newBinding()
	var out []Difference
	ex := rec.Exchanges
	for i := 0; i < len(ex); i++ {
		tries := 1
		for i+1 < len(ex) && isRead(ex[i]) && sameRequest(ex[i], ex[i+1]) {
			i++
			tries = t.PollTries
		}
		var diffs []string
		for n := 0; n < tries; n++ {
			if n > 0 {
				select {
				case <-ctx.Done():
					return out, ctx.Err()
				case <-time.After(t.PollWait):
				}
			}
			status, body, err := t.send(ctx, ex[i], b)
			if err != nil {
				return out, err
			}
			if diffs = compareAnswer(ex[i], status, body, b); len(diffs) == 0 {
				break
			}
		}
		if len(diffs) > 0 {
			out = append(out, Difference{Exchange: ex[i], Diffs: diffs})
		}
	}
	return out, nil
}

// isRead: a request that changes nothing, so that sending it again is safe.
func isRead(e Exchange) bool {
	return e.Method == http.MethodGet || e.Method == http.MethodHead
}

func sameRequest(a, b Exchange) bool {
	return a.Method == b.Method && a.Path == b.Path && a.Query == b.Query &&
		a.RequestBody == b.RequestBody && a.RequestBodyBase64 == b.RequestBodyBase64
}

// send replays one request: Ids bound so far put back, the target's token
// in the Authorization header and in a SOAP SessionHeader.
func (t ReplayTarget) send(ctx context.Context, e Exchange, b *binding) (int, []byte, error) {
	body, err := e.requestBody()
	if err != nil {
		return 0, nil, err
	}
	if e.RequestBody != "" {
		body = []byte(b.toReal(strings.ReplaceAll(e.RequestBody, Secret, t.Token)))
	}
	u := strings.TrimRight(t.URL, "/") + b.toReal(e.Path)
	if e.Query != "" {
		// Decoded first: in the encoded form an Id after %27 (a quote) is
		// no word of its own.
		q, err := url.ParseQuery(e.Query)
		if err != nil {
			return 0, nil, fmt.Errorf("replay exchange %d: query: %w", e.Seq, err)
		}
		for k, vs := range q {
			for i := range vs {
				vs[i] = b.toReal(vs[i])
			}
			q[k] = vs
		}
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, e.Method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("replay exchange %d: %w", e.Seq, err)
	}
	for k, v := range e.Header {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", "Bearer "+t.Token)
	resp, err := t.Client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("replay exchange %d, %s: %w", e.Seq, e.Target(), err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("replay exchange %d, %s: read the answer: %w", e.Seq, e.Target(), err)
	}
	return resp.StatusCode, answer, nil
}
