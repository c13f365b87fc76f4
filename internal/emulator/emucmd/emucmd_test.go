package emucmd

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// lineWriter hands each complete output line to the test.
type lineWriter struct {
	lines chan string
	buf   []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := strings.IndexByte(string(w.buf), '\n')
		if i < 0 {
			return len(p), nil
		}
		w.lines <- string(w.buf[:i])
		w.buf = w.buf[i+1:]
	}
}

func TestServe(t *testing.T) {
	cmd := New()
	out := &lineWriter{lines: make(chan string, 4)}
	errOut := &lineWriter{lines: make(chan string, 4)}
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SetArgs([]string{"serve", "--addr", "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	var line string
	select {
	case line = <-out.lines:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	}
	m := regexp.MustCompile(`^Emulator org listening at (http://127\.0\.0\.1:\d+)$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("listening line %q", line)
	}
	tokLine := <-errOut.lines
	token, ok := strings.CutPrefix(tokLine, "Access token: ")
	if !ok || !strings.HasPrefix(token, "00D") || !strings.Contains(token, "!") {
		t.Fatalf("token line %q", tokLine)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", m[1]+"//services/data/v62.0/query?q=SELECT+Username+FROM+User", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(bufio.NewReader(resp.Body))
	resp.Body.Close()
	var page struct {
		Records []struct{ Username string }
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &page) != nil || len(page.Records) != 1 || page.Records[0].Username != "admin@emulator.sfprov.local" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v after cancel", err)
	}
}

func TestServeBadSeed(t *testing.T) {
	cmd := New()
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"serve", "--addr", "127.0.0.1:0", "--seed", "/nonexistent/seed.yaml"})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "read seed: open /nonexistent/seed.yaml") {
		t.Fatalf("err %v", err)
	}
}
