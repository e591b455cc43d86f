//! GitHub (AutoGPT's `github/`). So far the block that needs no API: the review comment
//! object GitHub's pull-request review blocks take.

pub mod create_comment_object;

use agentry_core::Registry;

pub fn register(r: &mut Registry) {
    r.register(create_comment_object::GithubCreateCommentObject);
}
