//! What reaches validation in kube-apiserver, for the tests of each kind: the manifest decoded,
//! defaulted and given the request's namespace.

use super::{defaults, ErrorList};
use super::{validate_endpoint_slice, validate_pod, validate_workload};
use crate::api::{decode_object, Object};
use crate::manifest::parse;

pub(super) fn decode(text: &str) -> Object {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    decode_object(&parsed.objects[0], "t.yaml").expect("decodes")
}

pub(super) fn messages(errs: &ErrorList) -> Vec<String> {
    errs.iter().map(ToString::to_string).collect()
}

pub(super) fn pod(text: &str) -> Vec<String> {
    let Object::Pod(mut p) = decode(text) else {
        panic!("not a pod")
    };
    defaults::default_pod(&mut p);
    p.metadata.namespace = "default".into();
    messages(&validate_pod(&p))
}

pub(super) fn workload(text: &str) -> Vec<String> {
    let Object::Workload(mut w) = decode(text) else {
        panic!("not a workload")
    };
    defaults::default_workload(&mut w);
    w.metadata.namespace = "default".into();
    messages(&validate_workload(&w))
}

pub(super) fn slice(text: &str) -> Vec<String> {
    let Object::EndpointSlice(mut s) = decode(text) else {
        panic!("not a slice")
    };
    defaults::default_endpoint_slice(&mut s);
    s.metadata.namespace = "default".into();
    messages(&validate_endpoint_slice(&s))
}
