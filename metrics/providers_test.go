package metrics

// The providers describe their series in the catalogue when they are linked in.
import _ "cryptoweekly/provider/all"
