package spec

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Rows returns the records of a record set: its one `values:` record, or every
// row of its CSV file (header row = field names). CSV cells are taken as
// written: ${VAR} is not expanded there.
func (r RecordSet) Rows() ([]map[string]Value, error) {
	if r.CSV == "" {
		return []map[string]Value{r.Values}, nil
	}
	if r.csvRows != nil {
		return r.csvRows, nil
	}
	return r.readCSV()
}

// readCSV reads the rows of the record set's CSV file.
func (r RecordSet) readCSV() ([]map[string]Value, error) {
	f, err := openLimited(r.CSV, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read csv for %s: %s: %w", r.Object, r.CSV, unwrapPathError(err))
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read csv header of %s: %w", r.CSV, err)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	var rows []map[string]Value
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read csv %s: %w", r.CSV, err)
		}
		row := map[string]Value{}
		for i, cell := range rec {
			if i < len(header) && header[i] != "" {
				row[header[i]] = Value{Value: cell, Pos: Pos{File: r.CSV, Line: line, Col: 1}}
			}
		}
		rows = append(rows, row)
	}
}
