package templates

import "reflect"

// sampleLink fills every string of the full sample: it is a valid link, so
// link checks pass wherever the string lands.
const sampleLink = "https://example.invalid/sample"

// samples returns the data New renders each kind with before accepting the
// templates. text/template only finds a misspelt field when it executes
// it, so two samples cover both sides of every {{if}} and {{with}}: one
// with only the required fields, one with every field set and every list
// holding one element (so {{range}} bodies run too).
func samples(lang string, kind Kind) []Data {
	minimal := Data{Lang: lang, Links: Links{Preferences: sampleLink, SignIn: sampleLink, Export: sampleLink},
		PurgeDate: "x", Digest: &Digest{}, Summary: &SummaryData{}}
	var full Data
	fill(reflect.ValueOf(&full).Elem())
	full.Lang = lang
	if kind != AnimatorNotice {
		return []Data{minimal, full}
	}
	var out []Data
	for _, t := range noticeTypes {
		m, f := minimal, full
		m.Notice = &Notice{Type: t}
		if t == NoticeTopics {
			m.Notice.Topics = []Topic{{Number: 1}}
		}
		n := *full.Notice
		n.Type = t
		f.Notice = &n
		out = append(out, m, f)
	}
	return out
}

// fill sets every field reachable from v to a non-zero value.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(sampleLink)
	case reflect.Int:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}
