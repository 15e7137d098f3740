#!/usr/bin/env python3
"""Create an S3 bucket or list its keys, against the endpoint and keys in the environment.

Usage: scripts/s3-bucket.py create|list BUCKET [PREFIX]
Environment: CEPH_S3_ENDPOINT, CEPH_S3_ACCESS_KEY, CEPH_S3_SECRET_KEY, CEPH_S3_REGION (scripts/ceph-backend.sh
writes them to its env file). `list` prints one key per line (every key under PREFIX, default all).
"""
import os
import sys

import boto3
from botocore.config import Config


def client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["CEPH_S3_ENDPOINT"],
        aws_access_key_id=os.environ["CEPH_S3_ACCESS_KEY"],
        aws_secret_access_key=os.environ["CEPH_S3_SECRET_KEY"],
        region_name=os.environ.get("CEPH_S3_REGION", "us-east-1"),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
    )


def main(argv):
    if len(argv) not in (3, 4) or argv[1] not in ("create", "list"):
        sys.exit(__doc__)
    s3, bucket = client(), argv[2]
    if argv[1] == "create":
        existing = {entry["Name"] for entry in s3.list_buckets().get("Buckets", [])}
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)
        return
    prefix = argv[3] if len(argv) == 4 else ""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            print(entry["Key"])


if __name__ == "__main__":
    main(sys.argv)
