package emulator

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// HTTP compression of REST API requests and responses. Source: REST API
// Developer Guide, "Compression Headers" (intro_rest_compression.htm):
// "REST API supports the gzip and deflate compression algorithms"; "Include
// a Content-Encoding: gzip or Content-Encoding: deflate header to compress a
// request. REST API decompresses any requests before processing"; a response
// is compressed "only if the request contains an Accept-Encoding: gzip" (or
// deflate) header, and then carries a Content-Encoding header. The guide
// covers the REST API (/services/data), so the OAuth endpoints are left as
// they are (UNCONFIRMED either way). Newer guides add br and zstd to the
// accepted response encodings while saying the API "isn't required to
// compress the response"; the emulator answers those uncompressed.

// decompressRequest replaces a gzip or deflate request body by its
// decompressed bytes (other encodings are left alone). A body that does not
// decompress is refused like an unreadable body (readJSONBody): 400
// JSON_PARSER_ERROR; Salesforce's answer for it is UNCONFIRMED.
func decompressRequest(r *http.Request) *apiError {
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	if r.Body == nil || (enc != "gzip" && enc != "x-gzip" && enc != "deflate") {
		return nil
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return errJSON("could not read the request body")
	}
	data, err := decompress(enc, raw)
	if err != nil {
		return errJSON("could not read the request body")
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.ContentLength = int64(len(data))
	r.Header.Del("Content-Encoding")
	r.Header.Set("Content-Length", strconv.Itoa(len(data)))
	return nil
}

func decompress(enc string, raw []byte) ([]byte, error) {
	if len(raw) == 0 {
		return raw, nil
	}
	if enc != "deflate" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	// HTTP's deflate is the zlib format (RFC 9110 §8.4.1.2); some clients
	// send a bare deflate stream, which is accepted too.
	if zr, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
		if data, err := io.ReadAll(zr); err == nil {
			return data, nil
		}
	}
	return io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
}

// acceptedEncoding is the response encoding the request accepts: gzip
// before deflate, "" for none (a q=0 entry refuses its encoding).
func acceptedEncoding(h string) string {
	ok := map[string]bool{}
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q == "q=0" || strings.HasPrefix(q, "q=0.0") && strings.Trim(strings.TrimPrefix(q, "q=0."), "0") == "" {
			continue
		}
		ok[name] = true
	}
	switch {
	case ok["gzip"] || ok["x-gzip"]:
		return "gzip"
	case ok["deflate"]:
		return "deflate"
	}
	return ""
}

// compressResponse wraps w to compress the response when the request
// accepts it (nil when it does not, or for HEAD, which has no body).
func compressResponse(w http.ResponseWriter, r *http.Request) *compressWriter {
	enc := acceptedEncoding(r.Header.Get("Accept-Encoding"))
	if enc == "" || r.Method == http.MethodHead {
		return nil
	}
	return &compressWriter{ResponseWriter: w, enc: enc}
}

// compressWriter compresses the body of a response with a body; responses
// without one (204, 304) go out as they are.
type compressWriter struct {
	http.ResponseWriter
	enc         string
	zw          io.WriteCloser
	wroteHeader bool
	compress    bool
}

func (c *compressWriter) WriteHeader(status int) {
	if c.wroteHeader {
		return
	}
	c.wroteHeader = true
	if status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified {
		c.compress = true
		h := c.Header()
		h.Set("Content-Encoding", c.enc)
		h.Del("Content-Length")
		h.Add("Vary", "Accept-Encoding")
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *compressWriter) Write(b []byte) (int, error) {
	if !c.wroteHeader {
		c.WriteHeader(http.StatusOK)
	}
	if !c.compress {
		return c.ResponseWriter.Write(b)
	}
	if c.zw == nil {
		c.start()
	}
	return c.zw.Write(b)
}

func (c *compressWriter) start() {
	if c.enc == "gzip" {
		c.zw = gzip.NewWriter(c.ResponseWriter)
	} else {
		c.zw = zlib.NewWriter(c.ResponseWriter)
	}
}

// Close ends the compressed stream; a compressed response whose handler
// wrote no body still gets a valid (empty) stream.
func (c *compressWriter) Close() error {
	if !c.compress {
		return nil
	}
	if c.zw == nil {
		c.start()
	}
	return c.zw.Close()
}
